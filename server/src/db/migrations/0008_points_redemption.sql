CREATE TABLE "redemptions" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"profile_id" text NOT NULL,
	"requested_points" bigint NOT NULL,
	"points" bigint NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"state" text NOT NULL,
	"order_id" text,
	"returned_points" bigint DEFAULT 0 NOT NULL,
	"staff_id" text,
	"held_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "redemptions_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
--> statement-breakpoint
CREATE INDEX "redemptions_order" ON "redemptions" USING btree ("shop_id","order_id");
