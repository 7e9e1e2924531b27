/**
 * The Shopify Admin API backfill's customers phase: the same deterministic customers as the NDJSON
 * backfill bench, as a bulk operation's JSONL result (Admin GraphQL `Customer` nodes) served over local
 * HTTP, ingested by the real `shopify.backfill` job handler, job after job, as the queue would run them.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { openDatabase } from "@c360/server/db/client";
import { queryRows } from "@c360/server/db/rows";
import type { ShopifyAdmin } from "@c360/server/shopify/admin";
import { backfillJobHandler } from "@c360/server/shopify/backfill";
import { sql } from "drizzle-orm";
import { generateCustomerExport, type BackfillMix } from "./backfill";
import { fmt } from "./measure";

/** A customer line of the NDJSON export as the bulk query's `Customer` node. */
function adminNode(line: string): string {
  const c = JSON.parse(line);
  return JSON.stringify({
    id: `gid://shopify/Customer/${c.id}`,
    legacyResourceId: String(c.id),
    email: c.email,
    phone: c.phone,
    firstName: c.first_name,
    lastName: c.last_name,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
    tags: [],
    defaultAddress: {
      address1: c.default_address.address1,
      city: c.default_address.city,
      zip: c.default_address.zip,
      countryCodeV2: "US",
    },
  });
}

export async function measureBulkBackfill(opts: {
  url: string;
  shopId: string;
  customers: number;
  mix?: BackfillMix;
}): Promise<{ figure: string; note: string; seconds: number; jobs: number }> {
  const body = Buffer.from(`${generateCustomerExport(opts.customers, opts.mix).lines.map(adminNode).join("\n")}\n`);
  let downloads = 0;
  let bytesAsked = 0;
  // As Cloud Storage serves the result: `Range: bytes=N-` answered 206 with the rest of the file.
  const files = createServer((request, response) => {
    downloads++;
    const from = Number(/^bytes=(\d+)-$/.exec(request.headers.range ?? "")?.[1] ?? 0);
    if (from >= body.length && request.headers.range) {
      response.writeHead(416, { "content-range": `bytes */${body.length}` }).end();
      return;
    }
    bytesAsked += body.length - from;
    const range = request.headers.range ? { "content-range": `bytes ${from}-${body.length - 1}/${body.length}` } : {};
    response
      .writeHead(request.headers.range ? 206 : 200, { "content-type": "application/jsonl", ...range })
      .end(body.subarray(from));
  });
  await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
  const resultUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/bulk.jsonl`;
  const database = await openDatabase({ url: opts.url, max: 4 });
  try {
    const id = crypto.randomUUID();
    await database.db.execute(sql`INSERT INTO shops (shop_id) VALUES (${opts.shopId}) ON CONFLICT DO NOTHING`);
    await database.db.execute(sql`INSERT INTO shopify_backfills
        (shop_id, id, status, result_url, object_count, started_at)
      VALUES (${opts.shopId}, ${id}, 'customers:reading', ${resultUrl}, ${opts.customers}, ${new Date()})`);
    // The read steps never call Shopify: the handler's client is for the run and poll steps only.
    const handler = backfillJobHandler(null as unknown as ShopifyAdmin, () => new Date());
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    let jobs = 0;
    // The read steps, then the whole-shop duplicate pass (as the NDJSON backfill's figure includes its own).
    for (let from = 0, status = "customers:reading"; status.startsWith("customers:"); jobs++) {
      const job = { shop_id: opts.shopId, id: `bench-${jobs}`, kind: "shopify.backfill", attempts: 0, max_attempts: 1 };
      const ref = status === "customers:scanning" ? `${id}:scan:customers` : `${id}:read:customers:${from}`;
      await database.db.transaction((tx) => handler(tx, { ...job, ref, seq: jobs }));
      const [row] = await queryRows<{ status: string; lines_done: number | string }>(
        database.db,
        sql`SELECT status, lines_done FROM shopify_backfills WHERE shop_id = ${opts.shopId} AND id = ${id}`,
      );
      status = row!.status;
      from = Number(row!.lines_done);
    }
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpuStarted);
    const cpuSeconds = (used.user + used.system) / 1e6;
    const [stored] = await queryRows<{ n: number | string }>(
      database.db,
      sql`SELECT count(*) AS n FROM identifiers WHERE shop_id = ${opts.shopId} AND kind = 'shopify'`,
    );
    return {
      figure: `${fmt(seconds, 1)} s for ${fmt(opts.customers)} JSONL lines (${fmt(Number(stored!.n))} customers)`,
      note:
        `${jobs} jobs (the last the duplicate pass), ${downloads} downloads of the result ` +
        `(asking for ${fmt(bytesAsked / body.length, 2)}x its ` +
        `${fmt(body.length / 1e6, 1)} MB; a job stops reading at its last line); CPU ${fmt(cpuSeconds, 1)} s in Node`,
      seconds,
      jobs,
    };
  } finally {
    files.close();
    await database.close();
  }
}
