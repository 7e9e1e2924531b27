import { parseArgs } from "node:util";
import { loadConfig } from "../config";
import { openDatabase } from "../db/client";
import { DEMO_SHOP, seedShop } from "./demo";

/**
 * `pnpm seed --customers N [--shop x.myshopify.com] [--seed 42]`: writes a
 * generated shop to DATABASE_URL or the PGlite data dir.
 */
const { values } = parseArgs({
  options: {
    customers: { type: "string", default: "1000" },
    shop: { type: "string", default: DEMO_SHOP },
    seed: { type: "string", default: "42" },
  },
});
const customers = Number(values.customers);
if (!Number.isInteger(customers) || customers < 1) {
  console.error("--customers must be a positive whole number");
  process.exit(2);
}
const db = await openDatabase({
  url: process.env.DATABASE_URL,
  dataDir: process.env.DATABASE_URL ? undefined : `${loadConfig(process.env, { demo: true }).dataDir}/pglite`,
});
const started = performance.now();
const result = await seedShop(db.db, {
  shopId: values.shop,
  customers,
  seed: Number(values.seed),
  onProgress: (done, total) => process.stdout.write(`\r${done}/${total} events`),
});
process.stdout.write("\n");
console.log(
  result
    ? `seeded ${values.shop}: ${result.customers} customers, ${result.orders} orders ` +
        `in ${((performance.now() - started) / 1000).toFixed(1)} s`
    : `${values.shop} already has profiles; nothing seeded`,
);
await db.close();
