import { effectiveActedAt, identifierStrength, normalizeIdentifiers, type MessageEvent } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows, type RawRow } from "../../db/rows";
import type * as tables from "../../db/schema";
import { appendConsentRow, lockConsentProfile } from "../consent/consent";
import { recomputeProfiles } from "../profile/recompute-profile";
import type { ShopContext } from "../shop/shop";
import { sqlTextArray } from "../../db/sql-arrays";

export interface MessageEventResult {
  id: string;
  status: "recorded" | "duplicate" | "unknown_customer";
  profileId: string | null;
}

/** One call of a messaging tool: the API key it used, its events, and when the call arrived. */
export interface MessageReport {
  keyId: string;
  events: readonly MessageEvent[];
  receivedAt: Date;
}

/**
 * Records what a messaging tool reported, inside the caller's transaction with the shop lock held.
 * Idempotent by the tool's event id. The customer is found by the strongest identifier the shop knows
 * (Shopify ID, then email, then phone); a customer the shop does not know (or erased) is answered
 * `unknown_customer` and nothing is stored, so a report never creates or brings back a profile. An
 * unsubscribe is a revocation of that channel on the consent ledger, like any other. Every touched
 * profile is recomputed once (engagement score, lifecycle).
 */
export async function recordMessageEvents(
  tx: Queryable,
  shop: ShopContext,
  report: MessageReport,
): Promise<MessageEventResult[]> {
  const { shopId } = shop;
  const { keyId, events, receivedAt: now } = report;
  const ids = [...new Set(events.map((e) => e.id))];
  const seen = await queryRows<RawRow<typeof tables.messageEvents, "id" | "profile_id">>(
    tx,
    sql`SELECT id, profile_id FROM message_events WHERE shop_id = ${shopId} AND id = ANY(${sqlTextArray(ids)})`,
  );
  const known = new Map(seen.map((r) => [r.id, r.profile_id]));

  // Every identifier the batch names, looked up in one read.
  const named = events.map((e) =>
    normalizeIdentifiers(
      {
        shopifyCustomerId: e.customer.shopifyCustomerId ?? null,
        email: e.customer.email ?? null,
        phone: e.customer.phone ?? null,
      },
      { defaultCountry: shop.settings.defaultCountry, junk: shop.settings.junkIdentifiers },
    ).sort((a, b) => identifierStrength(b.kind) - identifierStrength(a.kind)),
  );
  const keys = [...new Set(named.flat().map((i) => `${i.kind}:${i.value}`))];
  const owners = await queryRows<{ key: string; profile_id: string }>(
    tx,
    sql`SELECT kind || ':' || value AS key, profile_id FROM identifiers
        WHERE shop_id = ${shopId} AND (kind || ':' || value) = ANY(${sqlTextArray(keys)})`,
  );
  const ownerOf = new Map(owners.map((o) => [o.key, o.profile_id]));

  const results: MessageEventResult[] = [];
  const rows: {
    id: string;
    profile_id: string;
    channel: string;
    kind: string;
    message_id: string | null;
    at: string;
  }[] = [];
  const touched = new Set<string>();
  for (const [i, e] of events.entries()) {
    const already = known.get(e.id);
    if (already !== undefined) {
      results.push({ id: e.id, status: "duplicate", profileId: already });
      continue;
    }
    const owner = named[i]!.map((n) => ownerOf.get(`${n.kind}:${n.value}`)).find((p) => p !== undefined);
    if (!owner) {
      results.push({ id: e.id, status: "unknown_customer", profileId: null });
      continue;
    }
    // Locked like any consent write, so a send decided for this customer waits for the revocation.
    const profileId = await lockConsentProfile(tx, shopId, { profileId: owner });
    const { actedAt, clamped } = effectiveActedAt(e.at, now);
    if (e.kind === "unsubscribed") {
      await appendConsentRow(tx, shopId, {
        id: `messaging:${e.id}`,
        profileId,
        channel: e.channel,
        action: "revoked",
        textVersion: null,
        text: null,
        locale: null,
        actedAt,
        deviceTime: e.at,
        receivedAt: now,
        clamped,
        source: "messaging",
        locationId: null,
        deviceId: null,
        staffId: null,
        jurisdiction: null,
      });
    }
    known.set(e.id, profileId);
    rows.push({
      id: e.id,
      profile_id: profileId,
      channel: e.channel,
      kind: e.kind,
      message_id: e.messageId ?? null,
      at: actedAt.toISOString(),
    });
    results.push({ id: e.id, status: "recorded", profileId });
    touched.add(profileId);
  }
  if (rows.length > 0) {
    await tx.execute(sql`INSERT INTO message_events (shop_id, id, key_id, profile_id, channel, kind, message_id, at,
      received_at)
      SELECT ${shopId}, x.id, ${keyId}, x.profile_id, x.channel, x.kind, x.message_id, x.at, ${now}
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS x(id text, profile_id text, channel text, kind text, message_id text, at timestamptz)
      ON CONFLICT (shop_id, id) DO NOTHING`);
    await tx.execute(
      sql`UPDATE messaging_api_keys SET last_used_at = ${now} WHERE shop_id = ${shopId} AND id = ${keyId}`,
    );
  }
  await recomputeProfiles(tx, shopId, [...touched], shop.settings, now);
  return results;
}
