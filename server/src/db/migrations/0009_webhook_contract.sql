-- Deliveries are deduplicated by shop, topic and event id: the key becomes "{topic}:{event id}", and the
-- jobs and dead letters that point at a delivery follow it.
ALTER TABLE "webhook_deliveries" ADD COLUMN "event_id" text;--> statement-breakpoint
UPDATE "webhook_deliveries" SET "event_id" = "delivery_id";--> statement-breakpoint
UPDATE "jobs" j SET "ref" = w."topic" || ':' || w."delivery_id" FROM "webhook_deliveries" w
  WHERE j."kind" = 'webhook' AND j."shop_id" = w."shop_id" AND j."ref" = w."delivery_id";--> statement-breakpoint
UPDATE "dead_letters" d SET "ref" = w."topic" || ':' || w."delivery_id" FROM "webhook_deliveries" w
  WHERE d."kind" = 'webhook' AND d."shop_id" = w."shop_id" AND d."ref" = w."delivery_id";--> statement-breakpoint
UPDATE "webhook_deliveries" SET "delivery_id" = "topic" || ':' || "delivery_id";
--> statement-breakpoint
ALTER TABLE "shops" ADD COLUMN "shopify_shop_id" text;--> statement-breakpoint
CREATE TABLE "redacted_shops" (
	"shop_domain" text PRIMARY KEY NOT NULL,
	"redacted_at" timestamp with time zone NOT NULL,
	"reinstalled_at" timestamp with time zone,
	"delivery_ids" text[] DEFAULT '{}'::text[] NOT NULL
);
