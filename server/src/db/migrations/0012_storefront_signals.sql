-- Storefront and message signals (#22): what the web pixel saw, what messaging tools reported, the keys
-- those tools authenticate with, and the profile columns the signals land on.
CREATE TABLE "web_events" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"client_id" text NOT NULL,
	"session_id" text NOT NULL,
	"name" text NOT NULL,
	"product_id" text,
	"at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "web_events_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);--> statement-breakpoint
CREATE INDEX "web_events_client" ON "web_events" USING btree ("shop_id","client_id","at");--> statement-breakpoint
CREATE INDEX "web_events_shop_at" ON "web_events" USING btree ("shop_id","at");--> statement-breakpoint
CREATE TABLE "messaging_api_keys" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"secret_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" text,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "messaging_api_keys_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);--> statement-breakpoint
CREATE INDEX "messaging_api_keys_lookup" ON "messaging_api_keys" USING btree ("id");--> statement-breakpoint
CREATE TABLE "message_events" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"key_id" text NOT NULL,
	"profile_id" text NOT NULL,
	"channel" text NOT NULL,
	"kind" text NOT NULL,
	"message_id" text,
	"at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "message_events_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);--> statement-breakpoint
CREATE INDEX "message_events_profile" ON "message_events" USING btree ("shop_id","profile_id","at");--> statement-breakpoint
CREATE INDEX "message_events_shop_at" ON "message_events" USING btree ("shop_id","at");--> statement-breakpoint
ALTER TABLE "profiles" ADD COLUMN "web_sessions_30d" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "profiles" ADD COLUMN "last_seen_online_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "profiles" ADD COLUMN "viewed_product_ids" jsonb DEFAULT '[]'::jsonb NOT NULL;
