import {
  normalizeIdentifiers,
  resolveIdentityBatch,
  type BatchIdentityEvent,
  type BatchResolution,
  type CustomerRecord,
  type ShopSettings,
} from "@c360/shared";
import type { Database, Queryable } from "../db/client";
import { loadBackfillState, type ProfileDetails } from "./backfill-state";
import { writeBackfill } from "./backfill-writes";
import { orderedProfileIds } from "./profile-ids";
import { loadShop, type ShopContext } from "./shop";

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
}

/** A Shopify customer as an identity event, with the details Shopify is the authority for. */
export interface CustomerEvent extends BatchIdentityEvent {
  details: Omit<ProfileDetails, "firstSeenAt">;
}

export const emptyCounts = (): BackfillCounts => ({ customers: 0, profilesCreated: 0, identifiersAttached: 0, merged: 0, candidates: 0 });

/** The identity event a customers/create or customers/update webhook makes of this record; null when it carries no usable identifier. */
export function customerEvent(customer: CustomerRecord, settings: ShopSettings, now: Date): CustomerEvent | null {
  const identifiers = normalizeIdentifiers(
    { shopifyCustomerId: customer.id, email: customer.email, phone: customer.phone },
    { defaultCountry: settings.defaultCountry, junk: settings.junkIdentifiers },
  );
  if (identifiers.length === 0) return null;
  const stamped = customer.updated_at ?? customer.created_at;
  return {
    // The webhook's event ID, so a backfill after (or before) the webhooks records each version once.
    id: `customer:${customer.id}:${stamped ? stamped.toISOString() : "undated"}`,
    source: "customer",
    identifiers,
    at: stamped ?? now,
    details: {
      firstName: customer.first_name,
      lastName: customer.last_name,
      postcode: customer.default_address?.zip ?? null,
      address1: customer.default_address?.address1 ?? null,
    },
  };
}

/**
 * Backfills a shop's existing customers inside the caller's transaction (shop lock held), giving the
 * profiles replaying them one by one through the webhook path would: resolution by the shared batch rule
 * in memory, then set-based writes. Customers already recorded (same ID and updated_at) change nothing.
 */
export async function backfillCustomers(q: Queryable, shop: ShopContext, customers: readonly CustomerRecord[], now: Date): Promise<BackfillCounts> {
  const events: CustomerEvent[] = [];
  for (const customer of customers) {
    const event = customerEvent(customer, shop.settings, now);
    if (event) events.push(event);
  }
  const counts = { ...emptyCounts(), customers: customers.length };
  if (events.length === 0) return counts;

  const state = await loadBackfillState(q, shop.shopId, events);
  const fresh = events.filter((e) => !state.recordedEventIds.has(e.id));
  if (fresh.length === 0) return counts;
  const nextId = orderedProfileIds(now);
  const resolution: BatchResolution = resolveIdentityBatch(
    fresh,
    state.owners.map((o) => o.profile),
    // Created "now", as the per-event path stamps them, so profiles that already existed stay the survivors.
    { limits: shop.settings.identityLimits, newProfileId: nextId, createdAt: () => now },
  );
  const { profilesWritten, candidates } = await writeBackfill(q, shop, { events: fresh, resolution, owners: state.owners, now });
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
 * Backfills from a stream of records in chunks, each its own transaction under the shop lock: webhooks
 * wait at most one chunk, memory stays bounded, and a run that stops part-way can simply be run again.
 */
export async function runIdentityBackfill(
  database: Database,
  shopId: string,
  customers: Iterable<CustomerRecord> | AsyncIterable<CustomerRecord>,
  opts: { clock: () => Date; chunkSize?: number; onChunk?: (total: BackfillCounts) => void },
): Promise<BackfillCounts> {
  const total = emptyCounts();
  const size = opts.chunkSize ?? BACKFILL_CHUNK;
  let chunk: CustomerRecord[] = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    const records = chunk;
    chunk = [];
    const counts = await database.db.transaction(async (tx) => {
      const shop = await loadShop(tx, shopId, { lock: true });
      return backfillCustomers(tx, shop, records, opts.clock());
    });
    for (const key of Object.keys(total) as (keyof BackfillCounts)[]) total[key] += counts[key];
    opts.onChunk?.({ ...total });
  };
  for await (const customer of customers) {
    chunk.push(customer);
    if (chunk.length >= size) await flush();
  }
  await flush();
  return total;
}
