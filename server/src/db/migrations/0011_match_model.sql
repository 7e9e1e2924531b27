-- Duplicate detection compares the default address's second line and city (issue #19).
ALTER TABLE "profiles" ADD COLUMN IF NOT EXISTS "address2" text;
--> statement-breakpoint
ALTER TABLE "profiles" ADD COLUMN IF NOT EXISTS "city" text;
--> statement-breakpoint
-- Each shop's match model (m and u per field and level), learned by the whole-shop pass and used to
-- score candidates when customers arrive.
CREATE TABLE IF NOT EXISTS "match_models" (
  "shop_id" text PRIMARY KEY NOT NULL,
  "model" jsonb NOT NULL,
  "profiles" integer NOT NULL,
  "trained_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
-- Neighbours of a customer who just arrived, found by the fields blocking keys start from
-- (the surname by profiles_shop_name).
CREATE INDEX IF NOT EXISTS "profiles_match_postcode" ON "profiles" ("shop_id", "postcode") WHERE "postcode" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "profiles_match_birthday" ON "profiles" ("shop_id", "birthday") WHERE "birthday" IS NOT NULL;
