import type { sql } from "drizzle-orm";
import { queryRows } from "../db/rows";
import { BULK_POLL_MS } from "../shopify/backfill";
import type { TestServer } from "./harness";

/** A count(*) AS n statement's answer as a number. */
export const count = async (t: TestServer, statement: ReturnType<typeof sql>) =>
  Number((await queryRows<{ n: string | number }>(t.runtime.db.db, statement))[0]!.n);

/** Works the queue as the workers would, moving the clock on by a poll interval whenever nothing is due. */
export async function runBackfill(t: TestServer) {
  for (let i = 0; i < 200; i++) {
    await t.drain();
    const { backfill } = await (await t.api("GET", "/api/shopify/status")).json();
    if (backfill && ["completed", "failed"].includes(backfill.status)) return backfill;
    t.clock.set(new Date(t.clock().getTime() + BULK_POLL_MS));
  }
  throw new Error("backfill did not finish");
}
