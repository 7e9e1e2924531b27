import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { MessagingKeyView } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows } from "../../db/rows";
import { HttpError, notFound } from "../../http/errors";
import { revokeCredential, type CredentialRow } from "../shop/credentials";

/**
 * API keys for the shop's messaging tools: `c360mk_<id>.<secret>`. The id finds the key (and its shop);
 * only a SHA-256 of the secret is stored, so the key is shown once, at creation, and never again. A
 * secret of 32 random bytes needs no slow hash: there is nothing to guess from its digest.
 */
const PREFIX = "c360mk_";
const KEY_PATTERN = /^c360mk_([a-f0-9]{16})\.([A-Za-z0-9_-]{43})$/;

const digest = (secret: string) => createHash("sha256").update(secret).digest("hex");

interface KeyRow extends CredentialRow {
  created_by: string | null;
  last_used_at: Date | string | null;
}

const KEY_COLUMNS = "id, name, created_at, created_by, last_used_at, revoked_at";

const iso = (d: Date | string | null) => (d == null ? null : new Date(d).toISOString());
const viewOf = (r: KeyRow): MessagingKeyView => ({
  id: r.id,
  name: r.name,
  createdAt: iso(r.created_at)!,
  createdBy: r.created_by,
  lastUsedAt: iso(r.last_used_at),
  revokedAt: iso(r.revoked_at),
});

/** Creates a key; the returned `key` is the only time its secret exists outside the merchant's tool. */
export async function createMessagingKey(
  q: Queryable,
  shopId: string,
  input: { name: string; createdBy: string | null },
  now: Date,
): Promise<MessagingKeyView & { key: string }> {
  const id = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  const [row] = await queryRows<KeyRow>(
    q,
    sql`INSERT INTO messaging_api_keys (shop_id, id, name, secret_hash, created_at, created_by)
        VALUES (${shopId}, ${id}, ${input.name}, ${digest(secret)}, ${now}, ${input.createdBy})
        RETURNING ${sql.raw(KEY_COLUMNS)}`,
  );
  return { ...viewOf(row!), key: `${PREFIX}${id}.${secret}` };
}

export async function listMessagingKeys(q: Queryable, shopId: string): Promise<MessagingKeyView[]> {
  const rows = await queryRows<KeyRow>(
    q,
    sql`SELECT ${sql.raw(KEY_COLUMNS)} FROM messaging_api_keys
        WHERE shop_id = ${shopId} ORDER BY created_at DESC, id`,
  );
  return rows.map(viewOf);
}

/** Revokes a key at once: the next call with it is refused. Revoking twice keeps the first time. */
export async function revokeMessagingKey(
  q: Queryable,
  shopId: string,
  id: string,
  now: Date,
): Promise<MessagingKeyView> {
  const row = await revokeCredential<KeyRow>(q, "messaging_api_keys", { shopId, id }, now, KEY_COLUMNS);
  if (!row) throw notFound(`messaging API key ${id}`);
  return viewOf(row);
}

const refused = () =>
  new HttpError(
    401,
    "invalid_api_key",
    "send a live messaging API key as Authorization: Bearer c360mk_…; create one in the app's settings",
  );

/**
 * The shop and key a bearer key belongs to: the key must match, not be revoked, and its shop must still
 * have the app installed. Every failure answers the same 401, so a caller learns nothing about which part was wrong.
 */
export async function authenticateMessagingKey(
  q: Queryable,
  authorization: string | undefined,
): Promise<{ shopId: string; keyId: string }> {
  const match = KEY_PATTERN.exec(authorization?.replace(/^Bearer\s+/i, "").trim() ?? "");
  if (!match) throw refused();
  const [, id, secret] = match;
  const [row] = await queryRows<{ shop_id: string; secret_hash: string; revoked_at: unknown; uninstalled_at: unknown }>(
    q,
    sql`SELECT k.shop_id, k.secret_hash, k.revoked_at, s.uninstalled_at
        FROM messaging_api_keys k JOIN shops s ON s.shop_id = k.shop_id WHERE k.id = ${id!}`,
  );
  if (!row) throw refused();
  const given = Buffer.from(digest(secret!), "hex");
  const stored = Buffer.from(row.secret_hash, "hex");
  if (given.length !== stored.length || !timingSafeEqual(given, stored) || row.revoked_at || row.uninstalled_at)
    throw refused();
  return { shopId: row.shop_id, keyId: id! };
}
