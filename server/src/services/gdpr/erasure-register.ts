import { createHmac, randomBytes } from "node:crypto";
import {
  erasureVerdict,
  type ErasedMatch,
  type ErasureInteraction,
  type ErasureVerdict,
  type Identifier,
} from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows, type RawRow } from "../../db/rows";
import type * as tables from "../../db/schema";
import { HttpError } from "../../http/errors";
import { sqlTextArray } from "../../db/sql-arrays";

/** What the register holds a hash of: an identifier (normalised as stored) or an order's Shopify ID. */
export interface ErasedName {
  kind: Identifier["kind"] | "order";
  value: string;
}

/** Something that arrived after an erase may have happened: what it is, when it was made, what it names. */
export interface Arrival {
  interaction: ErasureInteraction;
  madeAt: Date;
  names: readonly ErasedName[];
}

/** Where a held-back arrival came from: Shopify, a tablet (sign-ups and visits), an online session, a backfill. */
export type HeldBackSource = "webhook" | "capture" | "session" | "backfill";

/** The shop's register key; made on the shop's first erase, so a shop that never erased anyone reads one row. */
async function registerKey(q: Queryable, shopId: string, create: { now: Date } | null): Promise<string | null> {
  const read = async () =>
    (
      await queryRows<RawRow<typeof tables.erasureKeys, "secret">>(
        q,
        sql`SELECT secret FROM erasure_keys WHERE shop_id = ${shopId}`,
      )
    )[0]?.secret ?? null;
  const secret = await read();
  if (secret || !create) return secret;
  await q.execute(sql`INSERT INTO erasure_keys (shop_id, secret, created_at)
    VALUES (${shopId}, ${randomBytes(32).toString("base64url")}, ${create.now}) ON CONFLICT (shop_id) DO NOTHING`);
  return read();
}

const hashOf = (secret: string, n: ErasedName) =>
  createHmac("sha256", secret).update(`${n.kind}:${n.value}`).digest("hex");

/** Records what an erase removed, as keyed hashes with the erase time (the latest, when erased again). */
export async function registerErasure(
  q: Queryable,
  shopId: string,
  names: readonly ErasedName[],
  erasedAt: Date,
): Promise<number> {
  if (names.length === 0) return 0;
  const secret = (await registerKey(q, shopId, { now: erasedAt }))!;
  const rows = [...new Map(names.map((n) => [hashOf(secret, n), n.kind])).entries()].map(([hash, kind]) => ({
    hash,
    kind,
  }));
  await q.execute(sql`INSERT INTO erasure_register (shop_id, hash, kind, erased_at)
    SELECT ${shopId}, x.hash, x.kind, ${erasedAt}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(hash text, kind text)
    ON CONFLICT (shop_id, hash) DO UPDATE SET erased_at = greatest(erasure_register.erased_at, excluded.erased_at)`);
  return rows.length;
}

/**
 * The shared erasure rule's verdict for each arrival, in one read of the register. Without a register
 * key the shop never erased anyone and everything is kept.
 */
export async function screenArrivals(
  q: Queryable,
  shopId: string,
  arrivals: readonly Arrival[],
): Promise<ErasureVerdict[]> {
  const keepAll = (): ErasureVerdict[] => arrivals.map(() => ({ keep: true }));
  if (arrivals.length === 0) return [];
  const secret = await registerKey(q, shopId, null);
  if (!secret) return keepAll();
  const hashed = arrivals.map((a) => a.names.map((n) => hashOf(secret, n)));
  const rows = await queryRows<RawRow<typeof tables.erasureRegister, "hash" | "kind" | "erased_at">>(
    q,
    sql`SELECT hash, kind, erased_at FROM erasure_register
        WHERE shop_id = ${shopId} AND hash = ANY(${sqlTextArray([...new Set(hashed.flat())])})`,
  );
  if (rows.length === 0) return keepAll();
  const erased = new Map(
    rows.map((r): [string, ErasedMatch] => [r.hash, { kind: r.kind, erasedAt: new Date(r.erased_at) }]),
  );
  return arrivals.map((a, i) => {
    const matches = hashed[i]!.flatMap((h) => (erased.has(h) ? [erased.get(h)!] : []));
    return erasureVerdict(a.interaction, a.madeAt, matches);
  });
}

/**
 * Refuses one arrival made before the erase of someone it names: 409 erased_customer, counted. Inside a
 * sync push the refusal becomes that mutation's rejection and the count commits with the push; an API
 * caller gets the 409 itself, and its transaction (with the count) is rolled back.
 */
export async function refuseIfErased(
  q: Queryable,
  shopId: string,
  arrival: Arrival,
  source: HeldBackSource,
  now: Date,
): Promise<void> {
  const [verdict] = await screenArrivals(q, shopId, [arrival]);
  if (!verdict || verdict.keep) return;
  await countHeldBack(q, shopId, source, 1, now);
  throw new HttpError(409, "erased_customer", `${verdict.reason}; it was not stored`);
}

/** Adds to the count the merchant sees of arrivals kept out because they named an erased customer. */
export async function countHeldBack(
  q: Queryable,
  shopId: string,
  source: HeldBackSource,
  n: number,
  now: Date,
): Promise<void> {
  if (n <= 0) return;
  await q.execute(sql`INSERT INTO erasure_held_back (shop_id, source, count, last_at)
    VALUES (${shopId}, ${source}, ${n}, ${now})
    ON CONFLICT (shop_id, source) DO UPDATE
      SET count = erasure_held_back.count + excluded.count, last_at = excluded.last_at`);
}

/** Per source, how many arrivals were kept out, and when the last one was. */
export async function heldBackCounts(q: Queryable, shopId: string) {
  const rows = await queryRows<RawRow<typeof tables.erasureHeldBack, "source" | "count" | "last_at">>(
    q,
    sql`SELECT source, count, last_at FROM erasure_held_back WHERE shop_id = ${shopId}`,
  );
  const bySource = new Map(rows.map((r) => [r.source, r]));
  const n = (s: HeldBackSource) => Number(bySource.get(s)?.count ?? 0);
  const last =
    rows
      .map((r) => new Date(r.last_at).toISOString())
      .sort()
      .at(-1) ?? null;
  const total = n("webhook") + n("capture") + n("session") + n("backfill");
  return {
    webhooks: n("webhook"),
    captures: n("capture"),
    sessions: n("session"),
    backfillRows: n("backfill"),
    total,
    lastAt: last,
  };
}
