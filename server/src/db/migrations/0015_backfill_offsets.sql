-- Where a Shopify bulk backfill's next chunk starts in the JSONL result, in bytes (#21): each job asks for
-- the rest of the file with a Range header instead of downloading and skipping what earlier jobs read.
-- Lines that could not be read are skipped and counted, so one bad line never stops a backfill.
ALTER TABLE "shopify_backfills" ADD COLUMN "bytes_done" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "shopify_backfills" ADD COLUMN "lines_skipped" bigint DEFAULT 0 NOT NULL;
