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
--> statement-breakpoint
CREATE TABLE "shopify_loyalty_written" (
	"shop_id" text NOT NULL,
	"shopify_customer_id" text NOT NULL,
	"points" bigint NOT NULL,
	"tier" text NOT NULL,
	"written_at" timestamp with time zone NOT NULL,
	CONSTRAINT "shopify_loyalty_written_shop_id_shopify_customer_id_pk" PRIMARY KEY("shop_id","shopify_customer_id")
);
