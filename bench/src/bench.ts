/**
 * `pnpm bench [--scale small|medium|full] [--customers N] [--profiles N] [--only intake,lookup,...] [--keep]`:
 * seeds a shop through signed webhooks on a fresh PostgreSQL database, measures each hot path beside a
 * baseline taken in the same run on the same database, prints one table and (for a full run) writes
 * BENCHMARKS.md. Fails only on errors, never on timing.
 *
 * The server runs in this process; load (many requests, rates, percentiles) and its baselines come from a
 * separate load process (load/process.ts). Each measurement lives in rows/ and adds its rows to the table.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { signSessionToken } from "@c360/server/auth/session-token";
import { openDatabase } from "@c360/server/db/client";
import { generateShop } from "@c360/server/seed/generate";
import postgres from "postgres";
import { BENCH_SECRET, benchRuntime, serveBenchRuntime } from "./bench-runtime";
import { bundleSizes } from "./bundles";
import type { Bench } from "./context";
import { fillShop } from "./fill";
import { LoadProcess } from "./load/process";
import { fmt, timed } from "./measure";
import { measureBackfillRow, measureBulkBackfillRow } from "./rows/backfill";
import { measureDuplicateScan } from "./rows/duplicates";
import { measureIntake } from "./rows/intake";
import { measureLookup, mountLimitRoute } from "./rows/lookup";
import { measureProcessing } from "./rows/processing";
import { measureSync } from "./rows/sync";
import { measureUnsubscribe } from "./rows/unsubscribe";
import { measureWholeShop } from "./rows/whole-shop";
import { createFreshDatabase } from "./fresh-database";

/**
 * `webhooks`: customers replayed as signed webhooks through the real intake and processing (the write
 * path); `profiles`: the shop is then filled to this many profiles with set-based SQL for the read paths
 * and whole-shop passes.
 */
const SCALES = {
  small: { webhooks: 1_000, profiles: 10_000 },
  medium: { webhooks: 2_000, profiles: 100_000 },
  full: { webhooks: 2_000, profiles: 1_000_000 },
} as const;
const GROUPS = [
  "intake",
  "processing",
  "lookup",
  "whole-shop",
  "sync",
  "unsubscribe",
  "backfill",
  "duplicates",
] as const;
const { values } = parseArgs({
  options: {
    scale: { type: "string", default: "small" },
    customers: { type: "string" },
    profiles: { type: "string" },
    only: { type: "string" },
    record: { type: "boolean", default: false },
    // Leaves the run's database in place, to look at its plans or time a statement again by hand.
    keep: { type: "boolean", default: false },
  },
});
const scale = values.scale as keyof typeof SCALES;
if (!(scale in SCALES)) throw new Error(`--scale must be one of ${Object.keys(SCALES).join(", ")}`);
const only = new Set(values.only ? values.only.split(",") : GROUPS);
for (const g of only)
  if (!(GROUPS as readonly string[]).includes(g)) throw new Error(`--only takes ${GROUPS.join(", ")}`);
// Processing drains what intake accepted, so it cannot run without it.
if (only.has("processing")) only.add("intake");
const customers = values.customers ? Number(values.customers) : SCALES[scale].webhooks;
const totalProfiles = Math.max(customers, values.profiles ? Number(values.profiles) : SCALES[scale].profiles);
const SHOP = "bench-shop.myshopify.com";
const SECRET = BENCH_SECRET;

const fresh = await createFreshDatabase("c360_bench");
const url = new URL(fresh.url);

const database = await openDatabase({ url: url.toString(), max: 20 });
const runtime = await benchRuntime(database, url.toString());
// Before the first request: Hono builds its router then, and takes no routes after.
mountLimitRoute(runtime.app);
const { server, base } = await serveBenchRuntime(runtime);
const token = await signSessionToken({ shopId: SHOP, secret: SECRET, ttlSeconds: 3600, now: new Date() });
const b: Bench = {
  shopId: SHOP,
  secret: SECRET,
  base,
  auth: { authorization: `Bearer ${token}`, "content-type": "application/json" },
  databaseUrl: url.toString(),
  raw: postgres(url.toString(), { max: 4, onnotice: () => {} }),
  runtime,
  load: new LoadProcess(),
  totalProfiles,
  rows: [],
  plans: [],
};

try {
  await b.raw`INSERT INTO shops (shop_id) VALUES (${SHOP}) ON CONFLICT DO NOTHING`;
  let replayedProfiles = 0;
  if (only.has("intake")) {
    const shop = generateShop({ customers, seed: 7 });
    console.log(
      `generated ${customers.toLocaleString()} customers, ${shop.orders.toLocaleString()} orders, ` +
        `${shop.events.length.toLocaleString()} webhook events`,
    );
    await measureIntake(b, shop);
    if (only.has("processing")) replayedProfiles = await measureProcessing(b, shop);
  }
  // The rest of the shop, set-based, so reads and whole-shop passes run at full size.
  const fill = await timed(() =>
    fillShop(b.raw, SHOP, { from: replayedProfiles, total: totalProfiles, now: new Date() }),
  );
  console.log(`filled the shop to ${totalProfiles.toLocaleString()} profiles in ${fmt(fill.ms / 1000, 1)} s`);
  if (only.has("lookup")) await measureLookup(b);
  if (only.has("whole-shop")) await measureWholeShop(b);
  if (only.has("sync")) await measureSync(b);
  if (only.has("unsubscribe")) {
    const [someone] = await b.raw<
      { id: string }[]
    >`SELECT id FROM profiles WHERE shop_id = ${SHOP} ORDER BY md5(id) LIMIT 1`;
    await measureUnsubscribe(b, someone!.id);
  }
  if (only.has("backfill")) await measureBulkBackfillRow(b, await measureBackfillRow(b));
  if (only.has("duplicates")) await measureDuplicateScan(b);
} finally {
  b.load.close();
  server.close();
  await b.raw.end();
  await runtime.close();
  await fresh.drop({ keep: values.keep });
}

const header =
  "| what | figure | baseline (same run, same database) | ratio | target on 2 cores | note |\n" +
  "|---|---|---|---|---|---|";
const table = [
  header,
  ...b.rows.map((r) => `| ${r.what} | ${r.figure} | ${r.baseline} | ${r.ratio} | ${r.target} | ${r.note} |`),
].join("\n");
console.log(`\n${table}\n`);
for (const p of b.plans) console.log(`${p}\n`);
if (values.only) {
  console.log("a partial run (--only): BENCHMARKS.md left as it was");
} else {
  const memory = `${(totalmem() / 2 ** 30).toFixed(0)} GiB`;
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${memory}, Node ${process.version}`;
  const options = [
    `--scale ${scale}`,
    values.customers ? `--customers ${customers}` : "",
    values.profiles ? `--profiles ${totalProfiles}` : "",
  ];
  const command = `npx -y pnpm@10.34.9 bench --record ${options.filter(Boolean).join(" ")}`;
  // A run writes its table to an ignored file; BENCHMARKS.md changes only when a run is recorded on purpose
  // (`--record`), so CI and everyday runs leave the checkout clean.
  const target = values.record ? "../../BENCHMARKS.md" : "../../bench-results.md";
  writeFileSync(
    new URL(target, import.meta.url),
    `# Benchmarks\n\nCommand: \`${command}\`  \nDate: ${new Date().toISOString()}  \nMachine: ${machine}  \n` +
      `Database: PostgreSQL (fresh database per run). The server runs in the bench's Node process; the load and ` +
      `the baselines beside it come from a separate Node process (autocannon for closed loops, an open-loop client ` +
      `for fixed rates), so the two share the machine's cores but not an event loop.\n\n` +
      `${customers.toLocaleString()} customers replayed as webhooks, then the shop filled to ` +
      `${totalProfiles.toLocaleString()} profiles with set-based SQL.\n\n` +
      `${table}\n\n## Query plans\n\n${b.plans.join("\n\n")}\n\n## Front ends\n\n${bundleSizes().join("\n")}\n` +
      `- companion offline cold start (reload with no network to a usable screen) and the time to save a capture ` +
      `to IndexedDB are measured by \`tests/browser/companion.test.ts\` and printed as \`companion timings (ms)\` ` +
      `in the test output.\n\n` +
      readFileSync(new URL("../ANALYSIS.md", import.meta.url), "utf8"),
  );
  if (values.record) {
    // BENCHMARKS.md is checked by `biome ci` in npm test; the recorder lays its tables out the way Biome would, so
    // a recorded run never fails lint.
    const root = new URL("../..", import.meta.url);
    execFileSync(fileURLToPath(new URL("node_modules/.bin/biome", root)), ["format", "--write", "BENCHMARKS.md"], {
      cwd: root,
    });
  }
  console.log(`written to ${target.slice(6)}${values.record ? "" : " (pass --record to update BENCHMARKS.md)"}`);
}
