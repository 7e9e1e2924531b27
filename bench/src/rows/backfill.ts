import { measureBackfill } from "../backfill";
import type { Bench } from "../context";

/**
 * Identity backfill: a shop's whole customer export (as many customers as the bench shop has profiles,
 * ~1.5 identifiers each, 3% shared) through the real backfill service into a fresh shop of the same
 * database, beside a COPY of the same identifier rows. Runs last: it doubles the database.
 */
export async function measureBackfillRow(b: Bench): Promise<void> {
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
    target: "<= 60 s at 1,000,000",
    note: `${at1M <= 60 ? "met" : "missed"}${b.totalProfiles === 1_000_000 ? "" : " (scaled to 1 M)"}: ${result.note}`,
  });
}
