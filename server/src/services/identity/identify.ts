import {
  explainIdentity,
  normalizeIdentifiers,
  type IdentifyRequest,
  type Identifier,
  type IdentityLinkFact,
  type MergeFact,
} from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows, jsonOf, type RawRow } from "../../db/rows";
import type * as tables from "../../db/schema";
import { HttpError } from "../../http/errors";
import { refuseIfErased } from "../gdpr/erasure-register";
import { recomputeProfile } from "../profile/recompute-profile";
import { resolveEventIdentity, type Resolution } from "./resolve-identity";
import type { ShopContext } from "../shop/shop";

export interface IdentifyInput {
  identifiers: NonNullable<IdentifyRequest["identifiers"]>;
  at?: Date | undefined;
  eventId?: string | undefined;
  source: "identify" | "capture";
}

/**
 * Links what one source saw together (inside the caller's transaction, shop lock held): normalise with
 * the shop's country and junk list, resolve, recompute the profile it landed on.
 */
export async function identify(q: Queryable, shop: ShopContext, input: IdentifyInput, now: Date): Promise<Resolution> {
  const identifiers = normalizeIdentifiers(input.identifiers, {
    defaultCountry: shop.settings.defaultCountry,
    junk: shop.settings.junkIdentifiers,
  });
  if (identifiers.length === 0) {
    const sent = Object.entries(input.identifiers)
      .filter(([, v]) => v != null && String(v).trim() !== "")
      .map(([k]) => k);
    throw new HttpError(
      422,
      "no_usable_identifier",
      sent.length === 0
        ? "send at least one of email, phone, deviceId, shopifyCustomerId or marketplaceId"
        : `none of ${sent.join(", ")} is usable: blank, malformed or on the shop's junk list`,
    );
  }
  const at = input.at && input.at < now ? input.at : now;
  // Made before the erase of someone it names: refused, not linked again (shared erasureVerdict).
  const kind = input.source === "capture" ? "capture" : "session";
  await refuseIfErased(q, shop.shopId, { interaction: kind, madeAt: at, names: identifiers }, kind, now);
  const resolution = await resolveEventIdentity(
    q,
    shop,
    { id: `${input.source}:${input.eventId ?? crypto.randomUUID()}`, source: input.source, identifiers, at },
    now,
  );
  await recomputeProfile(q, shop.shopId, resolution!.profileId, shop.settings, now);
  return resolution!;
}

const SOURCE_WORDS: Record<string, string> = {
  order: "an order",
  customer: "a Shopify customer record",
  visit: "a store visit",
  capture: "a sign-up at the store",
  identify: "an online session",
  web: "the storefront (checkout or sign-in)",
  consent: "a consent capture",
};

/**
 * Why a profile holds its identifiers: each event that linked one, told with the other identifiers of
 * this profile that the same event carried, and each merge (not undone) that brought profiles together.
 */
export async function explainProfile(q: Queryable, shop: ShopContext, profileId: string) {
  const { shopId } = shop;
  const held = await queryRows<
    RawRow<typeof tables.identifiers, "kind" | "value" | "source" | "event_id" | "linked_at">
  >(
    q,
    sql`SELECT kind, value, source, event_id, linked_at FROM identifiers WHERE shop_id = ${shopId}
      AND profile_id = ${profileId}`,
  );
  const heldKeys = new Set(held.map((i) => `${i.kind}:${i.value}`));
  const linkingEvents = [...new Set(held.map((i) => i.event_id).filter((e): e is string => e !== null))];
  const events = linkingEvents.length
    ? await queryRows<RawRow<typeof tables.identityEvents, "id" | "source" | "identifiers" | "at">>(
        q,
        sql`SELECT id, source, identifiers, at FROM identity_events WHERE shop_id = ${shopId}
            AND id IN (${sql.join(
              linkingEvents.map((e) => sql`${e}`),
              sql`, `,
            )})`,
      )
    : [];
  const links: IdentityLinkFact[] = [];
  const told = new Set<string>();
  for (const e of events) {
    const seen = jsonOf<Identifier[]>(e.identifiers);
    for (const i of seen) {
      if (!heldKeys.has(`${i.kind}:${i.value}`)) continue;
      links.push({
        identifier: i,
        source: SOURCE_WORDS[e.source] ?? e.source,
        eventId: e.id,
        linkedAt: new Date(e.at),
      });
    }
  }
  for (const i of held) if (i.event_id && events.some((e) => e.id === i.event_id)) told.add(`${i.kind}:${i.value}`);
  for (const i of held) {
    if (told.has(`${i.kind}:${i.value}`)) continue;
    links.push({
      identifier: { kind: i.kind, value: i.value },
      source: SOURCE_WORDS[i.source] ?? i.source,
      eventId: i.event_id,
      linkedAt: new Date(i.linked_at),
    });
  }
  const mergeRows = await queryRows<
    RawRow<typeof tables.merges, "id" | "evidence" | "reason" | "auto" | "created_at" | "decided_by">
  >(
    q,
    sql`SELECT id, evidence, reason, auto, created_at, decided_by FROM merges
        WHERE shop_id = ${shopId} AND undone_at IS NULL
          AND (survivor_id = ${profileId} OR survivor_id IN (SELECT id FROM profiles WHERE shop_id = ${shopId}
            AND merged_into = ${profileId}))
        ORDER BY created_at`,
  );
  const merges: MergeFact[] = mergeRows.map((m) => ({
    at: new Date(m.created_at),
    evidence: jsonOf(m.evidence),
    reason: m.reason,
    auto: m.auto,
  }));
  return {
    profileId,
    explanation: explainIdentity(links, merges, { timeZone: shop.settings.timeZone }),
    identifiers: held.map((i) => ({
      kind: i.kind,
      value: i.value,
      source: i.source,
      eventId: i.event_id,
      linkedAt: new Date(i.linked_at).toISOString(),
    })),
    merges: mergeRows.map((m) => ({
      mergeId: m.id,
      at: new Date(m.created_at).toISOString(),
      auto: m.auto,
      reason: m.reason,
      decidedBy: m.decided_by,
    })),
  };
}
