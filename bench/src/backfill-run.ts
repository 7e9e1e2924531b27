/**
 * `npx tsx src/backfill-run.ts --customers 1000000 [--chunk N]`: the identity backfill benchmark alone,
 * on a fresh PostgreSQL database that is dropped afterwards. Prints the figures `measureBackfill` returns.
 */
import { parseArgs } from "node:util";
import { openDatabase } from "@c360/server/db/client";
import postgres from "postgres";
import { measureBackfill } from "./backfill";

const { values } = parseArgs({ options: { customers: { type: "string", default: "100000" }, chunk: { type: "string" }, keep: { type: "boolean", default: false } } });
const customers = Number(values.customers);
if (!Number.isInteger(customers) || customers < 1) throw new Error("--customers must be a positive whole number");

const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = `c360_backfill_${Date.now().toString(36)}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`CREATE DATABASE ${dbName}`);
const url = new URL(adminUrl);
url.pathname = `/${dbName}`;
try {
  await (await openDatabase({ url: url.toString(), max: 1 })).close(); // migrations
  const result = await measureBackfill({
    url: url.toString(),
    shopId: "backfill-bench.myshopify.com",
    customers,
    ...(values.chunk ? { chunkSize: Number(values.chunk) } : {}),
  });
  console.log(JSON.stringify(result, null, 2));
} finally {
  if (!values.keep) await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
  else console.log(`kept database ${dbName}`);
  await admin.end();
}
