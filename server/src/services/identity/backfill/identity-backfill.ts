import { resolveIdentityBatch, type BatchResolution, type CustomerRecord, type ShopSettings } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Database, Queryable } from "../../../db/client";
import { loadBackfillState, type CustomerEvent } from "./backfill-state";

export type { CustomerEvent };
import { scanArrivals, scanShopDuplicates } from "../match";
import { countHeldBack, screenArrivals } from "../../gdpr/erasure-register";
import { writeBackfill } from "./backfill-writes";
import { orderedProfileIds } from "../profile-ids";
import { identifyCustomer, normalizeCustomerEvent, sameIdentifierRules, type IdentifierRules } from "./customer-event";
import { CustomerExportReaders } from "./export-readers";
import { loadShop, type ShopContext, withShopLock } from "../../shop/shop";

/**
 * What a backfill did. `profilesCreated` counts the profiles it wrote (a customer merged into another of
 * the same backfill never gets one); `merged` counts every profile a backfilled customer merged into another.
 */
export interface BackfillCounts {
  customers: number;
  profilesCreated: number;
  identifiersAttached: number;
  merged: number;
  candidates: number;
  /** Rows of an export taken before a customer's erase that named them: not loaded (see erasureVerdict). */
  erasedHeldBack: number;
}

export const emptyCounts = (): BackfillCounts => ({
  customers: 0,
  profilesCreated: 0,
  identifiersAttached: 0,
  merged: 0,
  candidates: 0,
  erasedHeldBack: 0,
});

/**
 * The identity event a customers/create or customers/update webhook makes of
 * this record; null when it carries no usable identifier.
 */
export function customerEvent(customer: CustomerRecord, settings: ShopSettings, now: Date): CustomerEvent | null {
  const event = identifyCustomer(customer, settings, now);
  return event.identifiers.length > 0 ? event : null;
}

/** The identity events of a list of customer records, in order (records without a usable identifier drop out). */
export function customerEvents(
  customers: Iterable<CustomerRecord>,
  settings: ShopSettings,
  now: Date,
): CustomerEvent[] {
  const events: CustomerEvent[] = [];
  for (const customer of customers) {
    const event = customerEvent(customer, settings, now);
    if (event) events.push(event);
  }
  return events;
}

/**
 * Backfills a shop's existing customers inside the caller's transaction (shop lock held), giving the
 * profiles replaying them one by one through the webhook path would: resolution by the shared batch rule
 * in memory, then set-based writes. Customers already recorded (same ID and updated_at) change nothing.
 * A caller loading a whole shop in many chunks passes `scanArrivals: false` and runs one whole-shop
 * duplicate pass after its last chunk: tens of thousands of arrivals neighbour most of the shop, so
 * scanning them per chunk compares the whole shop once per chunk.
 */
export async function backfillCustomers(
  q: Queryable,
  shop: ShopContext,
  customers: readonly CustomerRecord[],
  now: Date,
  opts: { scanArrivals?: boolean } = {},
): Promise<BackfillCounts> {
  const touched: string[] = [];
  const events = customerEvents(customers, shop.settings, now);
  const counts = await backfillEvents(q, shop, events, customers.length, now, touched);
  // Duplicates among the customers just loaded and those already here, in the same transaction.
  if (opts.scanArrivals !== false) await scanArrivals(q, shop.shopId, touched, now);
  return counts;
}

async function backfillEvents(
  q: Queryable,
  shop: ShopContext,
  given: CustomerEvent[],
  customers: number,
  now: Date,
  touched?: string[],
): Promise<BackfillCounts> {
  const counts = { ...emptyCounts(), customers };
  if (given.length === 0) return counts;
  // A row's time is the record's own (updated_at, else created_at): an export from before an erase stays out.
  const arrivals = given.map((e) => ({ interaction: "backfill" as const, madeAt: e.at, names: e.identifiers }));
  const verdicts = await screenArrivals(q, shop.shopId, arrivals);
  const events = given.filter((_, i) => verdicts[i]!.keep);
  counts.erasedHeldBack = given.length - events.length;
  await countHeldBack(q, shop.shopId, "backfill", counts.erasedHeldBack, now);
  if (events.length === 0) return counts;

  const state = await loadBackfillState(q, shop.shopId, events);
  const { fresh } = state;
  if (fresh.length === 0) return counts;
  const resolution: BatchResolution = resolveIdentityBatch(
    fresh,
    state.owners.map((o) => o.profile),
    // Created "now", as the per-event path stamps them, so profiles that already existed stay the survivors.
    { limits: shop.settings.identityLimits, newProfileId: orderedProfileIds(now), createdAt: () => now },
  );
  const { profilesWritten, candidates } = await writeBackfill(q, shop, {
    events: fresh,
    resolution,
    owners: state.owners,
    now,
  });
  for (const o of resolution.events) {
    touched?.push(resolution.survivorOf.get(o.resolvedProfileId) ?? o.resolvedProfileId);
  }
  // A bulk load outruns autovacuum's statistics: planned on stale ones (this shop "has one identifier"),
  // the next chunk's owner lookup became a nested loop over the whole shop per owner, minutes per chunk.
  await q.execute(sql`ANALYZE profiles, identifiers, identity_events`);
  return {
    ...counts,
    profilesCreated: profilesWritten,
    identifiersAttached: resolution.attached.length,
    merged: resolution.survivorOf.size,
    candidates,
  };
}

export const BACKFILL_CHUNK = 250_000;
/**
 * Worker threads reading an export. One, measured at 1 M customers on 2 cores with PostgreSQL on the same
 * machine: 100 s to the last chunk, 57 s Node CPU (34 s main thread), where two took 139 s, 63 s (37 s)
 * and reading in the main thread 121 s, 55 s (44 s): a second reader only competes with PostgreSQL.
 */
export const BACKFILL_READERS = 1;

interface PreparedChunk {
  customers: number;
  /** Every customer's event, usable identifiers or not: the rules under the lock decide. */
  events: CustomerEvent[];
  rules: IdentifierRules;
  now: Date;
}

/** The next chunk of up to `size` customers as identity events under the given rules; none at the end. */
type ReadChunk = (
  size: number,
  rules: IdentifierRules,
  now: Date,
) => Promise<{ customers: number; events: CustomerEvent[] }>;

interface BackfillOptions {
  clock: () => Date;
  chunkSize?: number;
  onChunk?: (total: BackfillCounts) => void;
}

/** Backfills from customer records read in this thread (a few, or records already in memory). */
export function runIdentityBackfill(
  database: Database,
  shopId: string,
  customers: Iterable<CustomerRecord> | AsyncIterable<CustomerRecord>,
  opts: BackfillOptions,
): Promise<BackfillCounts> {
  const source = Symbol.asyncIterator in customers ? customers[Symbol.asyncIterator]() : customers[Symbol.iterator]();
  return backfillInChunks(database, shopId, opts, async (size, rules, now) => {
    const events: CustomerEvent[] = [];
    while (events.length < size) {
      const step = await source.next();
      if (step.done) break;
      events.push(identifyCustomer(step.value, rules, now));
      // Let the chunk being written keep its COPY streams fed.
      if (events.length % 1_000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    return { customers: events.length, events };
  });
}

/**
 * Backfills from an export's lines (NDJSON, one customer record per line), read, checked and normalised
 * by worker threads while this one writes the previous chunk. A bad line throws CustomerExportError naming
 * it; the chunks before it stay written, so callers that must write nothing check the whole export first.
 */
export async function runIdentityBackfillFromLines(
  database: Database,
  shopId: string,
  lines: Iterable<string> | AsyncIterable<string>,
  opts: BackfillOptions & { readers?: number },
): Promise<BackfillCounts> {
  const readers = new CustomerExportReaders(lines, opts.readers ?? BACKFILL_READERS);
  try {
    return await backfillInChunks(database, shopId, opts, (size, rules, now) => readers.readChunk(size, rules, now));
  } finally {
    await readers.close();
  }
}

/**
 * Backfills in chunks, each its own transaction under the shop lock: webhooks wait at most one chunk,
 * memory stays bounded, and a run that stops part-way can simply be run again. The next chunk is read and
 * normalised while the current one is written (the writes mostly wait on PostgreSQL), with the settings as
 * read before the lock; a chunk whose shop changed them meanwhile is normalised again under the lock.
 */
async function backfillInChunks(
  database: Database,
  shopId: string,
  opts: BackfillOptions,
  readChunk: ReadChunk,
): Promise<BackfillCounts> {
  const size = opts.chunkSize ?? BACKFILL_CHUNK;
  const prepare = async (): Promise<PreparedChunk | null> => {
    const { settings } = await loadShop(database.db, shopId);
    const now = opts.clock();
    const chunk = await readChunk(size, settings, now);
    return chunk.customers > 0 ? { ...chunk, rules: settings, now } : null;
  };
  const write = (chunk: PreparedChunk) =>
    withShopLock(database.db, shopId, async (tx, shop) => {
      const events = (
        sameIdentifierRules(shop.settings, chunk.rules)
          ? chunk.events
          : chunk.events.map((e) => normalizeCustomerEvent(e, shop.settings))
      ).filter((e) => e.identifiers.length > 0);
      return backfillEvents(tx, shop, events, chunk.customers, chunk.now);
    });

  const total = emptyCounts();
  let next = prepare();
  next.catch(() => {}); // awaited below; a failure must not surface as unhandled while a chunk is written
  for (let chunk = await next; chunk; chunk = await next) {
    next = prepare();
    next.catch(() => {});
    const counts = await write(chunk);
    for (const key of Object.keys(total) as (keyof BackfillCounts)[]) total[key] += counts[key];
    opts.onChunk?.({ ...total });
  }
  // Right after the last chunk, one whole-shop pass: per chunk it would compare the shop a quarter at a time.
  if (total.customers > 0) {
    await database.db.transaction(async (tx) => {
      await loadShop(tx, shopId, { lock: true });
      await scanShopDuplicates(tx, shopId, opts.clock());
    });
  }
  return total;
}
