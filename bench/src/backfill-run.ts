/**
 * `npx tsx src/backfill-run.ts --customers 1000000 [--chunk N] [--readers N]`: the identity backfill benchmark alone,
 * on a fresh PostgreSQL database that is dropped afterwards. Prints the figures `measureBackfill` returns.
 */
import { parseArgs } from "node:util";
import { openDatabase } from "@c360/server/db/client";
import { measureBackfill } from "./backfill";
import { createFreshDatabase } from "./fresh-database";

const { values } = parseArgs({
  options: {
    customers: { type: "string", default: "100000" },
    chunk: { type: "string" },
    readers: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
const customers = Number(values.customers);
if (!Number.isInteger(customers) || customers < 1) throw new Error("--customers must be a positive whole number");

const fresh = await createFreshDatabase("c360_backfill");
const url = new URL(fresh.url);
try {
  await (await openDatabase({ url: url.toString(), max: 1 })).close(); // migrations
  const result = await measureBackfill({
    url: url.toString(),
    shopId: "backfill-bench.myshopify.com",
    customers,
    ...(values.chunk ? { chunkSize: Number(values.chunk) } : {}),
    ...(values.readers ? { readers: Number(values.readers) } : {}),
  });
  console.log(JSON.stringify(result, null, 2));
} finally {
  await fresh.drop({ keep: values.keep });
}
