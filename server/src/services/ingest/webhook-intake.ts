import { acceptsDeliveryAfterRedact, shopMismatch, type ShopNamedByBody } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { type FlushResult, GroupCommit } from "../../db/group-commit";
import { preparedRows } from "../../db/prepared";
import { isDataException } from "../../db/sql-state";
import { pinShopifyShopId, type ShopAtIntake, shopsAtIntake } from "../shop";

export interface VerifiedDelivery {
  shopId: string;
  deliveryId: string;
  eventId: string | null;
  topic: string;
  webhookId: string | null;
  /** The body as read, less any NUL: Shopify's JSON with big IDs as strings; PostgreSQL reads it into jsonb. */
  payloadText: string;
}

/** A delivery whose signature, headers and payload were checked, with what intake decides on. */
export interface DeliveryAtIntake extends VerifiedDelivery {
  /** The shop the signed body names (its domains and numeric ID), compared with the header's. */
  named: ShopNamedByBody;
  /** X-Shopify-Triggered-At, when Shopify sent a readable one. */
  triggeredAt: Date | null;
}

/** What became of a delivery; every kind but `refused` is answered 200 so Shopify stops sending it. */
export type IntakeOutcome =
  | { kind: "stored" }
  | { kind: "duplicate" }
  /** The shop was redacted: nothing is stored (duplicate when the tombstone had this very delivery). */
  | { kind: "ignored"; duplicate: boolean }
  /** The body names another shop than the header: a replay aimed at this shop. */
  | { kind: "refused"; reason: string };

/** Rows in one flush: bounds the statement, and the time a burst's first delivery waits for its last. */
const MAX_DELIVERIES_PER_FLUSH = 200;
/** Payload characters in one flush (a delivery may be up to 1 MiB): bounds the single JSON parameter. */
const MAX_PAYLOAD_BYTES_PER_FLUSH = 4 * 1024 * 1024;
/**
 * Flushes at once. One: deliveries gather while it commits, so flushes are larger (9.9 deliveries instead of 6.2)
 * and each delivery costs less CPU (server 262-271 µs instead of 288-353, PostgreSQL 88-91 instead of 112-138,
 * in paired bench runs), at the same or a higher rate and the same p99.
 */
const MAX_FLUSHES_IN_FLIGHT = 1;

export interface IntakeDeps {
  db: Database;
  clock: () => Date;
  /** Kicked once per flush that stored something, so the job workers look for it. */
  queue: { kick(): void };
}

/**
 * Webhook intake with group commit: each request hands in its checked delivery and waits for its own
 * outcome, while the deliveries that arrive together are decided and stored together, two statements per
 * flush instead of two per delivery. A request is answered only after the flush that stored its delivery
 * committed, so a 200 is never lost to a crash; a flush that fails fails every request in it (5xx, and
 * Shopify retries), except a value PostgreSQL refuses, which only its own delivery answers for (400).
 */
export class WebhookIntake {
  private readonly commit: GroupCommit<DeliveryAtIntake, IntakeOutcome>;

  constructor(private readonly deps: IntakeDeps) {
    this.commit = new GroupCommit((batch) => this.flush(batch), {
      maxItems: MAX_DELIVERIES_PER_FLUSH,
      maxBytes: MAX_PAYLOAD_BYTES_PER_FLUSH,
      sizeOf: (d) => d.payloadText.length,
      maxInFlight: MAX_FLUSHES_IN_FLIGHT,
    });
  }

  accept(delivery: DeliveryAtIntake): Promise<IntakeOutcome> {
    return this.commit.add(delivery);
  }

  private async flush(batch: DeliveryAtIntake[]): Promise<FlushResult<IntakeOutcome>[]> {
    const { db, clock, queue } = this.deps;
    const known = await shopsAtIntake(
      db,
      batch.map((d) => ({ shopDomain: d.shopId, deliveryId: d.deliveryId })),
    );
    const decided = decideBatch(batch, known);
    // Two copies of one delivery in a flush (a retry racing the original) are stored once: the first takes
    // the row and later copies are answered as the duplicates they are.
    const toStore = new Map<string, DeliveryAtIntake>();
    for (const [i, d] of batch.entries()) {
      if (decided.outcomes[i] === "store" && !toStore.has(keyOf(d))) toStore.set(keyOf(d), d);
    }
    const stored = await storeDeliveries(db, [...toStore.values()], clock());
    for (const [shopId, shopifyShopId] of decided.pins) await pinShopifyShopId(db.db, shopId, shopifyShopId);
    if (stored.keys.size > 0) queue.kick();
    return batch.map((d, i): FlushResult<IntakeOutcome> => {
      const outcome = decided.outcomes[i]!;
      if (outcome !== "store") return { ok: true, value: outcome };
      const failed = stored.failed.get(keyOf(d));
      if (failed !== undefined) return { ok: false, error: failed };
      // Only the copy that was handed to the store counts as stored.
      const isStored = toStore.get(keyOf(d)) === d && stored.keys.has(keyOf(d));
      return { ok: true, value: { kind: isStored ? "stored" : "duplicate" } };
    });
  }
}

const intakes = new WeakMap<object, WebhookIntake>();

/** One intake per database handle, so the deliveries of all of an app's requests share flushes. */
export function webhookIntakeFor(deps: IntakeDeps): WebhookIntake {
  let intake = intakes.get(deps.db);
  if (!intake) intakes.set(deps.db, (intake = new WebhookIntake(deps)));
  return intake;
}

const keyOf = (d: { shopId: string; deliveryId: string }) => `${d.shopId}\n${d.deliveryId}`;

/**
 * The shop checks of each delivery, in arrival order, as if they had come one at a time: a shop's first
 * signed body that names its numeric ID pins it, and a later body in the same batch naming another ID is
 * refused just as it would have been one request later.
 */
function decideBatch(batch: readonly DeliveryAtIntake[], known: readonly ShopAtIntake[]) {
  const pins = new Map<string, string>();
  const outcomes = batch.map((d, i): IntakeOutcome | "store" => {
    const shop = known[i]!;
    const pinned = shop.shopifyShopId ?? pins.get(d.shopId) ?? null;
    const mismatch = shopMismatch(d.shopId, d.named, pinned);
    if (mismatch) return { kind: "refused", reason: mismatch };
    const redacted = shop.redacted;
    const delivery = { deliveredBeforeRedact: redacted?.deliveredBeforeRedact ?? false, triggeredAt: d.triggeredAt };
    if (redacted && !acceptsDeliveryAfterRedact(redacted, delivery)) {
      // Nothing of a redacted shop is stored; answered 200 so Shopify stops retrying.
      return { kind: "ignored", duplicate: redacted.deliveredBeforeRedact };
    }
    if (d.named.shopifyShopId && !pinned) pins.set(d.shopId, d.named.shopifyShopId);
    return "store";
  });
  return { outcomes, pins };
}

/**
 * Stores verified deliveries and queues their jobs in one statement, once per shop and delivery: a repeat
 * stores nothing. Answers the keys (shop, delivery) stored now. The batch travels as one JSON document
 * (each payload's text spliced in as it is, no re-encoding), so the statement's text never varies and each
 * connection plans it once. Rows go in key order, so two flushes holding the same retried delivery take
 * their row locks in the same order and cannot deadlock.
 */
async function storeDeliveryRows(database: Database, rows: readonly VerifiedDelivery[], now: Date) {
  let batch = "[";
  for (const [i, d] of rows.entries()) {
    const head = JSON.stringify([d.shopId, d.deliveryId, d.eventId, d.topic, d.webhookId, crypto.randomUUID()]);
    batch += `${i === 0 ? "" : ","}${head.slice(0, -1)},${d.payloadText}]`;
  }
  batch += "]";
  const inserted = await preparedRows<{ shop_id: string; ref: string }>(
    database,
    sql`WITH input AS (
          SELECT e->>0 AS shop_id, e->>1 AS delivery_id, e->>2 AS event_id, e->>3 AS topic, e->>4 AS webhook_id,
                 e->>5 AS job_id, e->6 AS payload
          FROM jsonb_array_elements(${batch}::jsonb) AS e),
        s AS (INSERT INTO shops (shop_id) SELECT DISTINCT shop_id FROM input ORDER BY shop_id
              ON CONFLICT (shop_id) DO NOTHING),
        d AS (INSERT INTO webhook_deliveries (shop_id, delivery_id, event_id, topic, webhook_id, payload)
              SELECT shop_id, delivery_id, event_id, topic, webhook_id, payload FROM input
              ORDER BY shop_id, delivery_id
              ON CONFLICT (shop_id, delivery_id) DO NOTHING RETURNING shop_id, delivery_id)
        INSERT INTO jobs (shop_id, id, kind, ref, run_at)
        SELECT d.shop_id, i.job_id, 'webhook', d.delivery_id, ${now}
        FROM d JOIN input i ON i.shop_id = d.shop_id AND i.delivery_id = d.delivery_id
        ORDER BY d.shop_id, d.delivery_id
        ON CONFLICT (shop_id, kind, ref) DO NOTHING RETURNING shop_id, ref`,
  );
  return new Set(inserted.map((r) => keyOf({ shopId: r.shop_id, deliveryId: r.ref })));
}

/**
 * {@link storeDeliveryRows} for a flush. When PostgreSQL refuses a value in one payload, the whole statement
 * is rolled back; each delivery is then stored alone, so only the one at fault fails (its 400) and the
 * others are stored and answered as usual. Any other failure fails the flush.
 */
async function storeDeliveries(database: Database, rows: readonly VerifiedDelivery[], now: Date) {
  const failed = new Map<string, unknown>();
  if (rows.length === 0) return { keys: new Set<string>(), failed };
  try {
    return { keys: await storeDeliveryRows(database, rows, now), failed };
  } catch (error) {
    if (!isDataException(error)) throw error;
    if (rows.length === 1) return { keys: new Set<string>(), failed: failed.set(keyOf(rows[0]!), error) };
  }
  const keys = new Set<string>();
  for (const d of rows) {
    try {
      for (const key of await storeDeliveryRows(database, [d], now)) keys.add(key);
    } catch (error) {
      if (!isDataException(error)) throw error;
      failed.set(keyOf(d), error);
    }
  }
  return { keys, failed };
}
