import { limitBreaches, listInWords, survivorOrder, type Identifier } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows, jsonOf, type RawRow } from "../../db/rows";
import type * as tables from "../../db/schema";
import { HttpError, notFound } from "../../http/errors";
import { enqueueShopifyJobs, SHOPIFY_JOBS } from "../../shopify/enqueue";
import { mergeProfiles } from "./merge";
import type { ShopContext } from "../shop/shop";

const DAY_MS = 86_400_000;
const iso = (d: Date | string | null) => (d == null ? null : new Date(d).toISOString());

interface CandidateRow {
  id: string;
  profile_id: string;
  other_profile_id: string;
  kind: "conflict" | "probabilistic";
  reason: string;
  evidence: unknown;
  score: number | null;
  status: string;
  created_at: Date | string;
  decided_at: Date | string | null;
}

/** Open merge candidates, newest first, each with both people as a merchant would compare them. */
export async function listDuplicates(
  q: Queryable,
  shopId: string,
  page: { limit: number; offset: number; kind?: "conflict" | "probabilistic" | undefined },
) {
  const kind = page.kind ? sql`AND kind = ${page.kind}` : sql``;
  const rows = await queryRows<CandidateRow & { total: string | number }>(
    q,
    sql`SELECT *, count(*) OVER () AS total FROM merge_candidates
        WHERE shop_id = ${shopId} AND status = 'open' ${kind}
        ORDER BY created_at DESC, id LIMIT ${page.limit} OFFSET ${page.offset}`,
  );
  const ids = [...new Set(rows.flatMap((r) => [r.profile_id, r.other_profile_id]))];
  const people = new Map<
    string,
    {
      profileId: string;
      status: string;
      firstName: string | null;
      lastName: string | null;
      orderCount: number;
      identifiers: Identifier[];
    }
  >();
  if (ids.length > 0) {
    const list = sql.join(
      ids.map((i) => sql`${i}`),
      sql`, `,
    );
    const profiles = await queryRows<
      RawRow<typeof tables.profiles, "id" | "status" | "first_name" | "last_name" | "order_count">
    >(
      q,
      sql`SELECT id, status, first_name, last_name, order_count FROM profiles WHERE shop_id = ${shopId}
        AND id IN (${list})`,
    );
    for (const p of profiles) {
      people.set(p.id, {
        profileId: p.id,
        status: p.status,
        firstName: p.first_name,
        lastName: p.last_name,
        orderCount: Number(p.order_count),
        identifiers: [],
      });
    }
    const held = await queryRows<RawRow<typeof tables.identifiers, "profile_id" | "kind" | "value">>(
      q,
      sql`SELECT profile_id, kind, value FROM identifiers WHERE shop_id = ${shopId} AND profile_id IN (${list})
        ORDER BY linked_at, kind, value`,
    );
    for (const i of held) people.get(i.profile_id)?.identifiers.push({ kind: i.kind, value: i.value });
  }
  const [connection] = await queryRows<{ connected: boolean }>(
    q,
    sql`SELECT EXISTS (SELECT 1 FROM shopify_connections WHERE shop_id = ${shopId}) AS connected`,
  );
  const isShopifyCustomer = (profileId: string) =>
    (people.get(profileId)?.identifiers ?? []).some((i) => i.kind === "shopify");
  return {
    total: Number(rows[0]?.total ?? 0),
    limit: page.limit,
    offset: page.offset,
    /** Whether "Merge in Shopify" can be sent: the shop's Admin API connection exists. */
    shopifyConnected: Boolean(connection?.connected),
    duplicates: rows.map((r) => ({
      // Two Shopify customers are merged in Shopify first (its customers/merge webhook merges ours); once
      // the merchant sent that, the pair waits for the webhook instead of offering the button again.
      action: !(isShopifyCustomer(r.profile_id) && isShopifyCustomer(r.other_profile_id))
        ? ("merge" as const)
        : r.decided_at
          ? ("waiting_for_shopify" as const)
          : ("merge_in_shopify" as const),
      sentToShopifyAt: iso(r.decided_at),
      id: r.id,
      kind: r.kind,
      reason: r.reason,
      evidence: jsonOf<unknown>(r.evidence),
      score: r.score,
      createdAt: iso(r.created_at),
      profiles: [people.get(r.profile_id) ?? null, people.get(r.other_profile_id) ?? null],
    })),
  };
}

async function openCandidate(q: Queryable, shopId: string, id: string): Promise<CandidateRow> {
  const [row] = await queryRows<CandidateRow>(
    q,
    sql`SELECT * FROM merge_candidates WHERE shop_id = ${shopId} AND id = ${id} FOR UPDATE`,
  );
  if (!row) throw notFound(`duplicate ${id}`);
  if (row.status !== "open") throw new HttpError(409, "already_decided", `this duplicate was already ${row.status}`);
  return row;
}

/**
 * A person confirms two profiles are one customer. Refused, with the reason, when one of them is gone
 * or the merged profile would break the shop's identity limits (two Shopify customers stay two).
 */
export async function mergeCandidate(
  q: Queryable,
  shop: ShopContext,
  id: string,
  decidedBy: string | null,
  note: string | undefined,
  now: Date,
) {
  const { shopId } = shop;
  const candidate = await openCandidate(q, shopId, id);
  const status = await queryRows<RawRow<typeof tables.profiles, "id" | "status" | "created_at">>(
    q,
    sql`SELECT id, status, created_at FROM profiles WHERE shop_id = ${shopId}
      AND id IN (${candidate.profile_id}, ${candidate.other_profile_id})`,
  );
  const gone = status.filter((p) => p.status !== "active");
  if (gone.length > 0 || status.length < 2) {
    throw new HttpError(
      409,
      "profile_changed",
      "one of these profiles was merged or erased since this duplicate was proposed; dismiss it and review the profile",
    );
  }
  const owners = [candidate.profile_id, candidate.other_profile_id].map((profileId) => {
    const row = status.find((p) => p.id === profileId)!;
    return { profileId, createdAt: new Date(row.created_at), identifiers: [] as Identifier[] };
  });
  const held = await queryRows<RawRow<typeof tables.identifiers, "profile_id" | "kind" | "value">>(
    q,
    sql`SELECT profile_id, kind, value FROM identifiers WHERE shop_id = ${shopId}
      AND profile_id IN (${candidate.profile_id}, ${candidate.other_profile_id})`,
  );
  for (const i of held)
    owners.find((o) => o.profileId === i.profile_id)!.identifiers.push({ kind: i.kind, value: i.value });
  const breaches = limitBreaches(
    owners.flatMap((o) => o.identifiers),
    shop.settings.identityLimits,
  );
  if (breaches.length > 0) {
    // Two Shopify customers only Shopify can make one: say where the merchant can (the queue offers it).
    const twoCustomers = owners.every((o) => o.identifiers.some((i) => i.kind === "shopify"));
    const where = twoCustomers ? "; use Merge in Shopify, and this app follows Shopify's merge" : "";
    throw new HttpError(409, "identity_limit", `these profiles cannot be merged: ${listInWords(breaches)}${where}`);
  }
  const [survivor, merged] = owners.sort(survivorOrder);
  const evidence = jsonOf<unknown>(candidate.evidence);
  const mergeId = await mergeProfiles(q, shop, {
    survivorId: survivor!.profileId,
    mergedId: merged!.profileId,
    evidence: Array.isArray(evidence) ? (evidence as Identifier[]) : [],
    eventId: null,
    reason: note?.trim() || `confirmed in the duplicates queue (${candidate.reason.replace(/\.$/, "")})`,
    auto: false,
    decidedBy,
    now,
  });
  return {
    mergeId,
    survivorId: survivor!.profileId,
    mergedId: merged!.profileId,
    undoableUntil: new Date(now.getTime() + shop.settings.undoWindowDays * DAY_MS).toISOString(),
  };
}

/**
 * "Merge in Shopify": the pair holds two Shopify customers, which only Shopify can make one. Queues
 * Shopify's customerMerge (idempotent by the duplicate's id); the duplicate stays open until Shopify's
 * customers/merge webhook merges our profiles and closes it.
 */
export async function mergeCandidateInShopify(q: Queryable, shopId: string, id: string, now: Date) {
  const candidate = await openCandidate(q, shopId, id);
  const [connection] = await queryRows<{ connected: boolean }>(
    q,
    sql`SELECT EXISTS (SELECT 1 FROM shopify_connections WHERE shop_id = ${shopId}) AS connected`,
  );
  if (!connection?.connected) {
    throw new HttpError(
      409,
      "shopify_not_connected",
      "this shop is not connected to Shopify's Admin API: merge these customers in Shopify admin",
    );
  }
  const held = await queryRows<RawRow<typeof tables.identifiers, "profile_id">>(
    q,
    sql`SELECT DISTINCT profile_id FROM identifiers WHERE shop_id = ${shopId} AND kind = 'shopify'
        AND profile_id IN (${candidate.profile_id}, ${candidate.other_profile_id})`,
  );
  if (held.length < 2) {
    throw new HttpError(409, "not_two_shopify_customers", "these profiles are not two Shopify customers: use Merge");
  }
  await enqueueShopifyJobs(q, shopId, SHOPIFY_JOBS.customerMerge, [id], now);
  // An open duplicate with a decision time is one the merchant sent to Shopify: the queue shows it waiting
  // for Shopify's customers/merge webhook, which closes it. Sending again keeps the first time.
  await q.execute(sql`UPDATE merge_candidates SET decided_at = ${now}
    WHERE shop_id = ${shopId} AND id = ${id} AND decided_at IS NULL`);
  return { id, status: "sent_to_shopify" as const };
}

export async function dismissCandidate(q: Queryable, shopId: string, id: string, decidedBy: string | null, now: Date) {
  await openCandidate(q, shopId, id);
  await q.execute(sql`UPDATE merge_candidates SET status = 'dismissed', decided_at = ${now}, decided_by = ${decidedBy}
    WHERE shop_id = ${shopId} AND id = ${id}`);
  return { id, status: "dismissed" as const };
}

/** Recent merges, for one profile (as survivor or merged) or the whole shop, with how long each can be undone. */
export async function listMerges(
  q: Queryable,
  shop: ShopContext,
  opts: { profileId?: string | undefined; limit: number; offset: number },
  now: Date,
) {
  const { shopId } = shop;
  const forProfile = opts.profileId
    ? sql`AND (survivor_id = ${opts.profileId} OR merged_id = ${opts.profileId})`
    : sql``;
  const rows = await queryRows<
    RawRow<
      typeof tables.merges,
      | "id"
      | "survivor_id"
      | "merged_id"
      | "evidence"
      | "event_id"
      | "reason"
      | "auto"
      | "decided_by"
      | "created_at"
      | "undone_at"
    >
  >(
    q,
    sql`SELECT id, survivor_id, merged_id, evidence, event_id, reason, auto, decided_by, created_at, undone_at
      FROM merges
        WHERE shop_id = ${shopId} ${forProfile} ORDER BY created_at DESC, id LIMIT ${opts.limit} OFFSET ${opts.offset}`,
  );
  return {
    merges: rows.map((m) => {
      const until = new Date(new Date(m.created_at).getTime() + shop.settings.undoWindowDays * DAY_MS);
      return {
        id: m.id,
        survivorId: m.survivor_id,
        mergedId: m.merged_id,
        evidence: jsonOf<Identifier[]>(m.evidence),
        eventId: m.event_id,
        reason: m.reason,
        auto: m.auto,
        decidedBy: m.decided_by,
        createdAt: iso(m.created_at),
        undoneAt: iso(m.undone_at),
        undoableUntil: until.toISOString(),
        undoable: m.undone_at == null && now <= until,
      };
    }),
  };
}
