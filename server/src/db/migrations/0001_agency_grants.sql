CREATE TABLE "agency_grants" (
	"shop_id" text NOT NULL,
	"user_id" text NOT NULL,
	"granted_by" text,
	"granted_at" timestamp with time zone NOT NULL,
	CONSTRAINT "agency_grants_shop_id_user_id_pk" PRIMARY KEY("shop_id","user_id")
);
--> statement-breakpoint
CREATE INDEX "agency_grants_user" ON "agency_grants" USING btree ("user_id");