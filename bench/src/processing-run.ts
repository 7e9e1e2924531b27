/**
 * `npx tsx src/processing-run.ts --customers 2000 [--batch 50]`: webhook processing alone. Stores a
 * generated shop's signed deliveries through the real intake (in-process, no sockets), then times the
 * queue draining them on a fresh PostgreSQL database and checks nothing was lost or doubled.
 */
import { parseArgs } from "node:util";
import { openDatabase } from "@c360/server/db/client";
import { shopifyDelivery } from "@c360/server/seed/delivery";
import { generateShop } from "@c360/server/seed/generate";
import postgres from "postgres";
import { BENCH_SECRET, benchRuntime } from "./bench-runtime";
import { fmt, timed } from "./measure";
import { createFreshDatabase } from "./fresh-database";

const { values } = parseArgs({
  options: {
    customers: { type: "string", default: "2000" },
    batch: { type: "string" },
    "log-statements": { type: "boolean" },
    keep: { type: "boolean" },
  },
});
const SHOP = "processing-shop.myshopify.com";
const SECRET = BENCH_SECRET;
const fresh = await createFreshDatabase("c360_processing");
// Every statement with its duration in the server log, to see where processing time goes.
if (values["log-statements"])
  await fresh.admin.unsafe(`ALTER DATABASE ${fresh.name} SET log_min_duration_statement = 0`);
const url = new URL(fresh.url);
const database = await openDatabase({ url: url.toString(), max: 10 });
const runtime = await benchRuntime(database, url.toString(), {
  ...(values.batch ? { queueBatchSize: Number(values.batch) } : {}),
});
try {
  const shop = generateShop({ customers: Number(values.customers), seed: 7 });
  for (const event of shop.events) {
    const res = await runtime.app.request("/webhooks/shopify", shopifyDelivery(event, SHOP, SECRET));
    if (res.status !== 200) throw new Error(`intake answered ${res.status}`);
  }
  const run = await timed(() => runtime.queue.drain());
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  const [c] = await sql`SELECT (SELECT count(*) FROM orders)::int AS orders,
    (SELECT count(*) FROM webhook_deliveries WHERE status = 'processed')::int AS processed,
    (SELECT count(*) FROM jobs)::int AS left, (SELECT count(*) FROM dead_letters)::int AS dead`;
  await sql.end();
  console.log(
    `${shop.events.length} events (${shop.orders} orders) in ${fmt(run.ms / 1000, 2)} s: ` +
      `${fmt((shop.events.length / run.ms) * 1000)} events/s, ${fmt((c!.orders / run.ms) * 1000)} orders/s; ` +
      `processed ${c!.processed}, orders stored ${c!.orders}, jobs left ${c!.left}, dead ${c!.dead}`,
  );
} finally {
  await runtime.close();
  await fresh.drop({ keep: values.keep });
}
