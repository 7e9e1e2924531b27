import { parseArgs } from "node:util";
import { loadConfig } from "../config";
import { openDatabase } from "../db/client";
import { CustomerExportError, exportFileLines, readCustomerLines } from "../services/identity/backfill/customer-export";
import { BACKFILL_CHUNK, runIdentityBackfillFromLines } from "../services/identity/backfill/identity-backfill";

/**
 * `tsx src/seed/backfill-cli.ts --shop x.myshopify.com --file customers.jsonl [--chunk N]`: backfills a
 * shop's Shopify customer export (one customer record per line) into DATABASE_URL or the PGlite data dir.
 * Every line is checked before anything is written; the file is then read again chunk by chunk, each
 * chunk committing on its own, and a run that stops part-way can simply be run again.
 */
const { values } = parseArgs({
  options: {
    shop: { type: "string" },
    file: { type: "string" },
    chunk: { type: "string", default: String(BACKFILL_CHUNK) },
  },
});
const chunkSize = Number(values.chunk);
if (!values.shop || !values.file || !Number.isInteger(chunkSize) || chunkSize < 1) {
  console.error("usage: backfill-cli --shop x.myshopify.com --file customers.jsonl [--chunk N]");
  process.exit(2);
}

const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
const lines = () => exportFileLines(values.file!);

// First pass: every line must be a customer record before anything is written.
let count = 0;
try {
  for await (const _customer of readCustomerLines(lines())) count++;
} catch (error) {
  if (!(error instanceof CustomerExportError)) throw error;
  console.error(`${values.file}, ${error.message}; nothing was written`);
  process.exit(1);
}
console.log(`checked ${count.toLocaleString()} customers in ${seconds()} s`);

// Second pass: read again (by worker threads) as the chunks are written, so memory holds one chunk, not the file.
const db = await openDatabase({
  url: process.env.DATABASE_URL,
  dataDir: process.env.DATABASE_URL ? undefined : `${loadConfig(process.env, { demo: true }).dataDir}/pglite`,
});
try {
  const counts = await runIdentityBackfillFromLines(db, values.shop, lines(), {
    clock: () => new Date(),
    chunkSize,
    onChunk: (total) => console.log(`  ${total.customers.toLocaleString()} customers backfilled (${seconds()} s)`),
  });
  console.log(JSON.stringify(counts));
  console.log(`backfilled ${values.shop} in ${seconds()} s`);
} finally {
  await db.close();
}
