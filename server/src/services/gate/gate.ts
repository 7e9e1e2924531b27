import { checkGate, gateTimeZone, localDayBounds, type Channel, type GateDecision } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows, type RawRow } from "../../db/rows";
import type * as tables from "../../db/schema";
import { notFound } from "../../http/errors";
import { consentStateOf } from "../profile/profile-view";
import type { ShopContext } from "../shop/shop";

const WEEK_MS = 7 * 86_400_000;

/** The live profile a send is for; `lock` takes its row lock so decisions for one customer are serialised. */
async function gateProfile(
  q: Queryable,
  shopId: string,
  profileId: string,
  lock: boolean,
): Promise<{ id: string; timeZone: string | null }> {
  const [row] = await queryRows<RawRow<typeof tables.profiles, "id" | "status" | "merged_into" | "time_zone">>(
    q,
    sql`SELECT id, status, merged_into, time_zone FROM profiles WHERE shop_id = ${shopId}
      AND id = ${profileId}${lock ? sql` FOR UPDATE` : sql``}`,
  );
  if (!row || row.status === "erased") throw notFound(`profile ${profileId}`);
  if (row.status === "merged" && row.merged_into) return gateProfile(q, shopId, row.merged_into, lock);
  return { id: row.id, timeZone: row.time_zone };
}

/**
 * The per-message gate: the shared rule fed with this customer's ledger, the
 * last 7 days' sends and the rest of today's.
 */
export async function gateDecision(
  q: Queryable,
  shop: ShopContext,
  input: { profileId: string; channel: Channel; at: Date },
  opts: { lock?: boolean } = {},
): Promise<{ profileId: string; decision: GateDecision }> {
  const profile = await gateProfile(q, shop.shopId, input.profileId, opts.lock ?? false);
  const consent = await consentStateOf(q, shop.shopId, profile.id);
  const [phone] = await queryRows<{ one: number }>(
    q,
    sql`SELECT 1 AS one FROM identifiers
        WHERE shop_id = ${shop.shopId} AND profile_id = ${profile.id} AND kind = 'phone' LIMIT 1`,
  );
  // The caps count the customer's whole local day, sends logged for later in it too.
  const { end: dayEnd } = localDayBounds(input.at, gateTimeZone(profile.timeZone, shop.settings.timeZone));
  const sent = await queryRows<RawRow<typeof tables.messages, "at"> & { channel: Channel }>(
    q,
    sql`SELECT channel, at FROM messages WHERE shop_id = ${shop.shopId} AND profile_id = ${profile.id}
      AND status = 'sent'
        AND at > ${new Date(input.at.getTime() - WEEK_MS)} AND at < ${dayEnd}`,
  );
  const decision = checkGate({
    channel: input.channel,
    at: input.at,
    consent,
    // The ledger state already applies an "all" revocation to every channel up to a later explicit grant.
    globallyUnsubscribed: false,
    sent: sent.map((m) => ({ channel: m.channel, at: new Date(m.at) })),
    customerTimeZone: profile.timeZone,
    hasPhone: phone !== undefined,
    settings: shop.settings,
  });
  return { profileId: profile.id, decision };
}

/**
 * Decides and logs one message in the caller's transaction. The profile row lock makes the next
 * decision for this customer see this one, so a sent message counts toward caps and fatigue at once.
 */
export async function sendMessage(
  tx: Queryable,
  shop: ShopContext,
  input: { id: string; profileId: string; channel: Channel; kind: string; at: Date },
): Promise<{ id: string; profileId: string; status: "sent" | "blocked"; reason: string }> {
  const { profileId, decision } = await gateDecision(tx, shop, input, { lock: true });
  const status = decision.allowed ? "sent" : "blocked";
  await tx.execute(sql`INSERT INTO messages (shop_id, id, profile_id, channel, kind, status, reason, at)
    VALUES (${shop.shopId}, ${input.id}, ${profileId}, ${input.channel}, ${input.kind}, ${status}, ${decision.reason},
      ${input.at})`);
  return { id: input.id, profileId, status, reason: decision.reason };
}
