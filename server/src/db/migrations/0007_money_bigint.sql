-- Money becomes bigint whole minor units of its currency and points become bigint (#17 items 4 and 5):
-- numeric(14,2) assumed two decimals for every currency, and integer points overflowed past 2,147,483,647.
-- Old amounts had exactly two decimals, so amount * 10^digits is exact; the ISO 4217 digits below are the
-- currencies that do not have two (a snapshot; server/src/db/money-migration.test.ts checks it against
-- shared minorUnitsOf). Profiles and refunds are in the shop's currency, orders and lines in the order's.
CREATE FUNCTION c360_minor_units_0007(code text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN code IN ('BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'VND', 'VUV',
                  'XAF', 'XDR', 'XOF', 'XPF', 'XSU') THEN 0
    WHEN code IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND') THEN 3
    ELSE 2
  END
$$;--> statement-breakpoint
ALTER TABLE "orders" ALTER COLUMN "total" SET DATA TYPE numeric;--> statement-breakpoint
UPDATE "orders" SET "total" = "total" * 10::numeric ^ c360_minor_units_0007("currency");--> statement-breakpoint
ALTER TABLE "orders" ALTER COLUMN "total"
  SET DATA TYPE bigint USING round("total")::bigint;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "presentment_total" bigint;--> statement-breakpoint
ALTER TABLE "orders" ADD COLUMN "presentment_currency" text;--> statement-breakpoint
ALTER TABLE "order_lines" ALTER COLUMN "price" SET DATA TYPE numeric;--> statement-breakpoint
UPDATE "order_lines" l SET "price" = l."price" * 10::numeric ^ c360_minor_units_0007(o."currency")
  FROM "orders" o WHERE o."shop_id" = l."shop_id" AND o."order_id" = l."order_id";--> statement-breakpoint
ALTER TABLE "order_lines" ALTER COLUMN "price"
  SET DATA TYPE bigint USING round("price")::bigint;--> statement-breakpoint
ALTER TABLE "refunds" ALTER COLUMN "amount" SET DATA TYPE numeric;--> statement-breakpoint
UPDATE "refunds" r SET "amount" = r."amount" * s.scale
  FROM (SELECT "shop_id", 10::numeric ^ c360_minor_units_0007(coalesce("settings"->>'currency', 'USD')) AS scale
        FROM "shops") s
  WHERE s."shop_id" = r."shop_id";--> statement-breakpoint
ALTER TABLE "refunds" ALTER COLUMN "amount"
  SET DATA TYPE bigint USING round("amount")::bigint;--> statement-breakpoint
ALTER TABLE "profiles" ALTER COLUMN "lifetime_spend" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "profiles" ALTER COLUMN "pos_spend" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "profiles" ALTER COLUMN "online_spend" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "profiles" ALTER COLUMN "lifetime_spend" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "profiles" ALTER COLUMN "pos_spend" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "profiles" ALTER COLUMN "online_spend" SET DATA TYPE numeric;--> statement-breakpoint
ALTER TABLE "profiles" ALTER COLUMN "ltv_predicted_90d" SET DATA TYPE numeric;--> statement-breakpoint
UPDATE "profiles" p SET
    "lifetime_spend" = p."lifetime_spend" * s.scale, "pos_spend" = p."pos_spend" * s.scale,
    "online_spend" = p."online_spend" * s.scale, "ltv_predicted_90d" = p."ltv_predicted_90d" * s.scale
  FROM (SELECT "shop_id", 10::numeric ^ c360_minor_units_0007(coalesce("settings"->>'currency', 'USD')) AS scale
        FROM "shops") s
  WHERE s."shop_id" = p."shop_id";--> statement-breakpoint
ALTER TABLE "profiles" ALTER COLUMN "lifetime_spend"
  SET DATA TYPE bigint USING round("lifetime_spend")::bigint;--> statement-breakpoint
ALTER TABLE "profiles" ALTER COLUMN "pos_spend"
  SET DATA TYPE bigint USING round("pos_spend")::bigint;--> statement-breakpoint
ALTER TABLE "profiles" ALTER COLUMN "online_spend"
  SET DATA TYPE bigint USING round("online_spend")::bigint;--> statement-breakpoint
ALTER TABLE "profiles" ALTER COLUMN "ltv_predicted_90d"
  SET DATA TYPE bigint USING round("ltv_predicted_90d")::bigint;--> statement-breakpoint
ALTER TABLE "profiles" ALTER COLUMN "lifetime_spend" SET DEFAULT 0;--> statement-breakpoint
ALTER TABLE "profiles" ALTER COLUMN "pos_spend" SET DEFAULT 0;--> statement-breakpoint
ALTER TABLE "profiles" ALTER COLUMN "online_spend" SET DEFAULT 0;--> statement-breakpoint
ALTER TABLE "profiles" ALTER COLUMN "loyalty_points" SET DATA TYPE bigint;--> statement-breakpoint
ALTER TABLE "loyalty_ledger" ALTER COLUMN "points" SET DATA TYPE bigint;--> statement-breakpoint
-- The shop's RFM monetary cut points are average order values: the same unit as spend.
UPDATE "shops" s SET "rfm_breaks" = jsonb_set(s."rfm_breaks", '{monetary}', coalesce((
    SELECT jsonb_agg(
             round(v::numeric * 10::numeric ^ c360_minor_units_0007(coalesce(s."settings"->>'currency', 'USD')), 4)
             ORDER BY i)
    FROM jsonb_array_elements_text(s."rfm_breaks"->'monetary') WITH ORDINALITY AS m(v, i)), '[]'::jsonb))
  WHERE jsonb_typeof(s."rfm_breaks"->'monetary') = 'array';--> statement-breakpoint
DROP FUNCTION c360_minor_units_0007(text);
