import { measureBackfill } from "../backfill";
import { measureBulkBackfill } from "../bulk-backfill";
import type { Bench } from "../context";
import { fmt } from "../measure";

/**
 * Identity backfill: a shop's whole customer export (as many customers as the bench shop has profiles,
 * ~1.5 identifiers each, 3% shared) through the real backfill service into a fresh shop of the same
 * database, beside a COPY of the same identifier rows. Runs last: it doubles the database.
 */
/** Measures the NDJSON identity backfill; returns its seconds, the bulk JSONL row's baseline. */
export async function measureBackfillRow(b: Bench): Promise<number> {
  const result = await measureBackfill({
    url: b.databaseUrl,
    shopId: "backfill-shop.myshopify.com",
    customers: b.totalProfiles,
  });
  const at1M = result.seconds * (1_000_000 / b.totalProfiles);
  b.rows.push({
    what: "identity backfill",
    figure: result.figure,
    baseline: result.baseline,
    ratio: result.ratio,
    target: "<= 30 s at 1,000,000",
    note: `${at1M <= 30 ? "met" : "missed"}${b.totalProfiles === 1_000_000 ? "" : " (scaled to 1 M)"}: ${result.note}`,
  });
  return result.seconds;
}

/**
 * The Shopify Admin API backfill's customers phase over the same customers as a bulk operation's JSONL,
 * into a third shop, beside the NDJSON backfill above (goal: no slower).
 */
export async function measureBulkBackfillRow(b: Bench, ndjsonSeconds: number): Promise<void> {
  const result = await measureBulkBackfill({
    url: b.databaseUrl,
    shopId: "bulk-backfill-shop.myshopify.com",
    customers: b.totalProfiles,
  });
  b.rows.push({
    what: "Shopify bulk JSONL backfill (customers)",
    figure: result.figure,
    baseline: `${fmt(ndjsonSeconds, 1)} s NDJSON identity backfill of the same customers (row above)`,
    ratio: `${fmt(result.seconds / ndjsonSeconds, 1)}x the NDJSON backfill`,
    target: "no slower than the NDJSON backfill",
    note: `${result.seconds <= ndjsonSeconds ? "met" : "missed"}: ${result.note}`,
  });
}
