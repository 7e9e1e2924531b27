CREATE TABLE "erasure_keys" (
	"shop_id" text PRIMARY KEY NOT NULL,
	"secret" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "erasure_register" (
	"shop_id" text NOT NULL,
	"hash" text NOT NULL,
	"kind" text NOT NULL,
	"erased_at" timestamp with time zone NOT NULL,
	CONSTRAINT "erasure_register_shop_id_hash_pk" PRIMARY KEY("shop_id","hash")
);
--> statement-breakpoint
CREATE TABLE "erasure_held_back" (
	"shop_id" text NOT NULL,
	"source" text NOT NULL,
	"count" bigint NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "erasure_held_back_shop_id_source_pk" PRIMARY KEY("shop_id","source")
);
--> statement-breakpoint
CREATE TABLE "field_history" (
	"shop_id" text NOT NULL,
	"mutation_id" text NOT NULL,
	"field" text NOT NULL,
	"outcome" text NOT NULL,
	"profile_id" text NOT NULL,
	"value" text NOT NULL,
	"value_at" timestamp with time zone,
	"acted_at" timestamp with time zone NOT NULL,
	CONSTRAINT "field_history_shop_id_mutation_id_field_pk" PRIMARY KEY("shop_id","mutation_id","field")
);
--> statement-breakpoint
CREATE INDEX "field_history_profile" ON "field_history" USING btree ("shop_id","profile_id");
