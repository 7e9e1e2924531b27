import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { customerNode, generatedShop } from "../../../tests/support/shopify-admin-fixtures";
import type { ShopifyAdminStandIn } from "../../../tests/support/shopify-admin-stand-in";
import { queryRows } from "../db/rows";
import {
  dbLabel,
  SHOP_A,
  startConnectedTestServer,
  type ConnectedTestServer,
  type TestServer,
} from "../test-support/harness";
import { count, runBackfill } from "../test-support/shopify-backfill";
import type { ShopifyAdmin } from "./admin";
import { BACKFILL_CHUNK_LINES, backfillJobHandler, type BackfillRow } from "./backfill";

const rangeStart = (range: string | null) => (range === null ? 0 : Number(/^bytes=(\d+)-$/.exec(range)![1]));

/**
 * A backfill reading `url` in its customers phase, worked step by step as the queue would (the read steps
 * never call Shopify), four lines a job; `linesDone` as a backfill begun before byte offsets were kept.
 */
async function readSteps(t: TestServer, url: string, linesDone = 0) {
  const db = t.runtime.db.db;
  const id = crypto.randomUUID();
  await db.execute(sql`INSERT INTO shops (shop_id) VALUES (${SHOP_A}) ON CONFLICT DO NOTHING`);
  await db.execute(sql`INSERT INTO shopify_backfills (shop_id, id, status, result_url, lines_done, started_at)
    VALUES (${SHOP_A}, ${id}, 'customers:reading', ${url}, ${linesDone}, ${t.clock()})`);
  const handler = backfillJobHandler(null as unknown as ShopifyAdmin, t.clock, { customers: 4, orders: 4 });
  const row = async () =>
    (
      await queryRows<BackfillRow>(db, sql`SELECT * FROM shopify_backfills WHERE shop_id = ${SHOP_A} AND id = ${id}`)
    )[0]!;
  const step = (ref: string, seq: number) =>
    db.transaction((tx) =>
      handler(tx, {
        shop_id: SHOP_A,
        id: `job-${seq}`,
        kind: "shopify.backfill",
        ref,
        attempts: 1,
        max_attempts: 5,
        seq,
      }),
    );
  const run = (from: number) => step(`${id}:read:customers:${from}`, from);
  const scan = () => step(`${id}:scan:customers`, -1);
  return { row, run, scan };
}

describe(`a bulk backfill reads its result once and resumes where it stopped (${dbLabel()})`, () => {
  let t: ConnectedTestServer;
  let shopify: ShopifyAdminStandIn;
  const start = async (customers: number, orders: number, withAdmin = true) => {
    t = await startConnectedTestServer({ adminApi: withAdmin });
    shopify = t.shopify;
    const shop = generatedShop(customers, orders);
    shopify.addCustomers(shop.customers);
    shopify.addOrders(shop.orders);
    return shop;
  };
  afterEach(() => t.close());

  it("asks for the rest of the file with a Range, and reads a chunk whose download broke again from its offset", {
    timeout: 120_000,
  }, async () => {
    await start(20, 3_000);
    // The orders' second chunk: its download drops after 2 kB, once.
    let broken = false;
    shopify.breakDownload = ({ range }) => (range && !broken ? ((broken = true), 2_000) : null);
    await t.api("GET", "/api/settings");
    const done = await runBackfill(t);
    expect(done).toMatchObject({ status: "completed", customers: 20, orders: 3_000, linesRead: 6_000 });
    expect(done.linesSkipped).toBe(0);
    expect(await count(t, sql`SELECT count(*) AS n FROM orders`)).toBe(3_000);
    expect(await count(t, sql`SELECT count(*) AS n FROM order_lines`)).toBe(3_000);

    const [customers, orders] = [shopify.bulkOperations[0]!.id, shopify.bulkOperations[1]!.id];
    expect(shopify.resultDownloads.filter((d) => d.operation === customers)).toEqual([
      { operation: customers, range: null, status: 200 },
    ]);
    const ofOrders = shopify.resultDownloads.filter((d) => d.operation === orders);
    // Whole file first; then the rest from where the first chunk (5,000 lines, an order's line item never
    // cut off) ended, twice: the broken download, then the same range again.
    expect(ofOrders.map((d) => [d.range === null, d.status])).toEqual([
      [true, 200],
      [false, 206],
      [false, 206],
    ]);
    expect(ofOrders[1]!.range).toBe(ofOrders[2]!.range);
    const file = `${shopify.bulkOperations[1]!.lines.join("\n")}\n`;
    const firstChunk = shopify.bulkOperations[1]!.lines.slice(0, BACKFILL_CHUNK_LINES);
    expect(rangeStart(ofOrders[1]!.range)).toBe(Buffer.byteLength(`${firstChunk.join("\n")}\n`));
    expect(rangeStart(ofOrders[1]!.range)).toBeLessThan(Buffer.byteLength(file));
  });

  it("skips unreadable lines, keeps an erased customer out, and a stale or retried job counts nothing twice", {
    timeout: 120_000,
  }, async () => {
    const shop = await start(10, 0, false);
    const erased = shop.customers[3]!;
    await t.webhook("customers/redact", {
      shop_domain: SHOP_A,
      customer: { id: erased.id, email: erased.email, phone: null },
      orders_to_redact: [],
    });
    await t.drain();
    const lines = shop.customers.map((c) => JSON.stringify(customerNode(c)));
    lines.splice(2, 0, "{not json", JSON.stringify({ id: "gid://shopify/Customer/abc", email: "x@example.com" }));
    const url = shopify.addResult(lines);
    const db = t.runtime.db.db;
    const { row, run, scan } = await readSteps(t, url);
    await run(0);
    const first = await row();
    expect([Number(first.lines_done), Number(first.customers), Number(first.lines_skipped)]).toEqual([4, 2, 2]);
    expect(Number(first.bytes_done)).toBe(Buffer.byteLength(`${lines.slice(0, 4).join("\n")}\n`));
    // The next download breaks part-way: nothing of that chunk is kept, the offset stays.
    shopify.breakDownload = () => {
      shopify.breakDownload = null;
      return 10;
    };
    await expect(run(4)).rejects.toThrow();
    expect(await row()).toEqual(first);
    // A job for a chunk already read (a duplicate of the first) changes nothing.
    await run(0);
    expect(await row()).toEqual(first);
    await run(4);
    await run(8);
    const done = await row();
    expect(done).toMatchObject({ status: "customers:scanning" });
    await scan();
    expect(await row()).toMatchObject({ status: "orders:starting" });
    expect([Number(done.lines_done), Number(done.customers), Number(done.lines_skipped)]).toEqual([12, 10, 2]);
    expect(Number(done.bytes_done)).toBe(Buffer.byteLength(`${lines.join("\n")}\n`));

    const shopifyIds = await queryRows<{ value: string }>(
      db,
      sql`SELECT value FROM identifiers WHERE shop_id = ${SHOP_A} AND kind = 'shopify' ORDER BY value`,
    );
    expect(shopifyIds.map((r) => r.value)).toEqual(
      shop.customers
        .filter((c) => c !== erased)
        .map((c) => c.id)
        .sort(),
    );
    expect(
      await count(t, sql`SELECT count(*) AS n FROM profiles WHERE shop_id = ${SHOP_A} AND status = 'active'`),
    ).toBe(9);
    // Every download after the first asked only for the rest of the file, from the offset stored then.
    expect(shopify.resultDownloads.map((d) => [rangeStart(d.range), d.status])).toEqual([
      [0, 200],
      [Number(first.bytes_done), 206],
      [Number(first.bytes_done), 206],
      [Buffer.byteLength(`${lines.slice(0, 8).join("\n")}\n`), 206],
    ]);
  });

  it("resumes a backfill begun before byte offsets were kept at its line count", { timeout: 60_000 }, async () => {
    const shop = await start(6, 0, false);
    const url = shopify.addResult(shop.customers.map((c) => JSON.stringify(customerNode(c))));
    const { row, run } = await readSteps(t, url, 2);
    await run(2);
    const done = await row();
    expect([done.status, Number(done.lines_done), Number(done.customers)]).toEqual(["customers:scanning", 6, 4]);
    const ids = await queryRows<{ value: string }>(
      t.runtime.db.db,
      sql`SELECT value FROM identifiers WHERE shop_id = ${SHOP_A} AND kind = 'shopify' ORDER BY value`,
    );
    expect(ids.map((r) => r.value)).toEqual(shop.customers.slice(2).map((c) => c.id));
  });
});
