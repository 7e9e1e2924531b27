CREATE TABLE "shopify_connections" (
	"shop_id" text PRIMARY KEY NOT NULL,
	"access_token_encrypted" text NOT NULL,
	"scope" text,
	"exchanged_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shopify_backfills" (
	"shop_id" text NOT NULL,
	"id" text NOT NULL,
	"status" text NOT NULL,
	"bulk_operation_id" text,
	"result_url" text,
	"object_count" bigint,
	"lines_done" bigint DEFAULT 0 NOT NULL,
	"customers" bigint DEFAULT 0 NOT NULL,
	"orders" bigint DEFAULT 0 NOT NULL,
	"error" text,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "shopify_backfills_shop_id_id_pk" PRIMARY KEY("shop_id","id")
);
