-- A pairing code is found by its first three characters and checked in full, so a wrong guess that lands on
-- a live code counts against that code (it locks after a few) and every guess is one indexed read.
ALTER TABLE "pairing_codes" ADD COLUMN "lookup" text GENERATED ALWAYS AS (left("code", 3)) STORED;--> statement-breakpoint
ALTER TABLE "pairing_codes" ADD COLUMN "failed_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "pairing_codes" ADD COLUMN "locked_at" timestamp with time zone;--> statement-breakpoint
DROP INDEX IF EXISTS "pairing_codes_code";--> statement-breakpoint
CREATE INDEX "pairing_codes_lookup" ON "pairing_codes" USING btree ("lookup");
