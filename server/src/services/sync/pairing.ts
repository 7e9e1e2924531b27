import { randomInt, randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { mintDeviceToken } from "../../auth/device-token";
import type { Database } from "../../db/client";
import { queryRows, type RawRow } from "../../db/rows";
import type * as tables from "../../db/schema";
import { HttpError, notFound } from "../../http/errors";
import { revokeCredential, type CredentialRow } from "../shop/credentials";
import { locationName } from "../shop/locations";
import { loadShop } from "../shop/shop";
import { ensureShop } from "../shop/shop";

/** No 0/O, 1/I/L, 5/S or 8/B: a clerk reads the code off one screen and types it on another. */
export const PAIRING_ALPHABET = "ACDEFGHJKMNPQRTUVWXY234679";
export const PAIRING_CODE_LENGTH = 8;
export const PAIRING_CODE_TTL_MS = 10 * 60_000;
/**
 * A code is found by its first PAIRING_LOOKUP_LENGTH characters; the other five (26^5, about 11.9 million
 * values) are its secret. Wrong codes that reach a live code's lookup count against it, and at this many
 * it is locked, so a guesser's odds against one code stay at 5 in 11.9 million whatever the rate.
 */
export const PAIRING_LOOKUP_LENGTH = 3;
export const PAIRING_MAX_FAILURES = 5;

export function newPairingCode(pick: (n: number) => number = randomInt): string {
  let code = "";
  for (let i = 0; i < PAIRING_CODE_LENGTH; i++) code += PAIRING_ALPHABET[pick(PAIRING_ALPHABET.length)];
  return code;
}

const lookupOf = (code: string) => code.slice(0, PAIRING_LOOKUP_LENGTH);

export async function createPairingCode(
  database: Database,
  input: { shopId: string; locationId: string | null; staffId: string | null },
  now: Date,
): Promise<{ code: string; expiresAt: string; locationId: string | null }> {
  await ensureShop(database.db, input.shopId);
  const expiresAt = new Date(now.getTime() + PAIRING_CODE_TTL_MS);
  // Codes are found without a shop: a code ever drawn, or a live code with the same lookup, is re-drawn.
  for (let attempt = 0; attempt < 10; attempt++) {
    const code = newPairingCode();
    const inserted = await queryRows<RawRow<typeof tables.pairingCodes, "code">>(
      database.db,
      sql`INSERT INTO pairing_codes (shop_id, code, location_id, expires_at, created_by)
          SELECT ${input.shopId}, ${code}, ${input.locationId}, ${expiresAt}, ${input.staffId}
          WHERE NOT EXISTS (SELECT 1 FROM pairing_codes WHERE lookup = ${lookupOf(code)}
                              AND (code = ${code} OR (used_at IS NULL AND locked_at IS NULL AND expires_at > ${now})))
          RETURNING code`,
    );
    if (inserted.length) return { code, expiresAt: expiresAt.toISOString(), locationId: input.locationId };
  }
  throw new HttpError(503, "pairing_code_unavailable", "could not draw a fresh pairing code; try again");
}

const invalidCode = () =>
  new HttpError(
    401,
    "invalid_pairing_code",
    "this pairing code does not exist; create a new one in the admin under Devices",
  );

/**
 * Trades a one-time code for a device token. A wrong code costs one indexed read (plus one counted
 * failure when it reaches a live code's lookup); only the right code opens a transaction, and the code
 * is claimed with a conditional UPDATE, so two tablets racing with it cannot both pair. Only the
 * token's hash is stored.
 */
export async function pairDevice(
  database: Database,
  input: { code: string; deviceName: string },
  now: Date,
): Promise<{
  deviceId: string;
  token: string;
  shop: string;
  location: string | null;
  locationName: string | null;
  defaultCountry: string;
  timeZone: string;
}> {
  type CodeRow = {
    shop_id: string;
    code: string;
    location_id: string | null;
    expires_at: Date | string;
    used_at: unknown;
    locked_at: unknown;
  };
  const found = await queryRows<CodeRow>(
    database.db,
    sql`SELECT shop_id, code, location_id, expires_at, used_at, locked_at FROM pairing_codes
        WHERE lookup = ${lookupOf(input.code)} AND (code = ${input.code} OR (used_at IS NULL AND locked_at IS NULL
          AND expires_at > ${now}))`,
  );
  const row = found.find((r) => r.code === input.code);
  if (!row) {
    // Someone typed a wrong secret for a live code: it counts, and enough of them lock the code.
    if (found.length > 0) {
      await database.db.execute(sql`UPDATE pairing_codes SET failed_attempts = failed_attempts + 1,
          locked_at = CASE WHEN failed_attempts + 1 >= ${PAIRING_MAX_FAILURES} THEN ${now}::timestamptz
            ELSE locked_at END
        WHERE lookup = ${lookupOf(input.code)} AND used_at IS NULL AND locked_at IS NULL AND expires_at > ${now}`);
    }
    throw invalidCode();
  }
  if (row.used_at)
    throw new HttpError(
      410,
      "pairing_code_used",
      "this pairing code was already used; each code pairs one tablet, so create a new one in the admin",
    );
  if (row.locked_at) {
    throw new HttpError(
      410,
      "pairing_code_locked",
      "this pairing code was locked after too many wrong tries; create a new one in the admin",
    );
  }
  if (new Date(row.expires_at).getTime() <= now.getTime()) {
    throw new HttpError(
      410,
      "pairing_code_expired",
      "this pairing code expired (codes last 10 minutes); create a new one in the admin",
    );
  }
  return database.db.transaction(async (tx) => {
    const claimed = await queryRows<RawRow<typeof tables.pairingCodes, "code">>(
      tx,
      sql`UPDATE pairing_codes SET used_at = ${now}
          WHERE shop_id = ${row.shop_id} AND code = ${input.code} AND used_at IS NULL AND locked_at IS NULL
            RETURNING code`,
    );
    if (!claimed.length)
      throw new HttpError(
        410,
        "pairing_code_used",
        "this pairing code was already used or locked; create a new one in the admin",
      );
    const deviceId = randomUUID();
    const { token, tokenHash } = mintDeviceToken(row.shop_id, deviceId);
    await tx.execute(sql`INSERT INTO devices (shop_id, id, name, location_id, token_hash, created_at)
      VALUES (${row.shop_id}, ${deviceId}, ${input.deviceName}, ${row.location_id}, ${tokenHash}, ${now})`);
    // The tablet reads national phone numbers and shows times the way the shop does.
    const { settings } = await loadShop(tx, row.shop_id);
    const location = { location: row.location_id, locationName: await locationName(tx, row.shop_id, row.location_id) };
    const { defaultCountry, timeZone } = settings;
    return { deviceId, token, shop: row.shop_id, ...location, defaultCountry, timeZone };
  });
}

export async function listDevices(database: Database, shopId: string) {
  const rows = await queryRows<
    CredentialRow & {
      location_id: string | null;
      last_sync_at: Date | string | null;
      last_seq: string | number | null;
      rejected: string | number;
    }
  >(
    database.db,
    sql`SELECT d.id, d.name, d.location_id, d.created_at, d.last_sync_at, d.revoked_at,
               (SELECT max(c.last_seq) FROM sync_clients c WHERE c.shop_id = d.shop_id
                 AND c.device_id = d.id) AS last_seq,
               (SELECT count(*) FROM sync_mutations m
                  WHERE m.shop_id = d.shop_id AND m.status = 'rejected'
                    AND m.client_id IN (SELECT c.client_id FROM sync_clients c WHERE c.shop_id = d.shop_id
                      AND c.device_id = d.id)) AS rejected
        FROM devices d WHERE d.shop_id = ${shopId} ORDER BY d.created_at, d.id`,
  );
  const iso = (d: Date | string | null) => (d == null ? null : new Date(d).toISOString());
  return rows.map((r) => ({
    deviceId: r.id,
    name: r.name,
    locationId: r.location_id,
    createdAt: iso(r.created_at),
    lastSyncAt: iso(r.last_sync_at),
    revokedAt: iso(r.revoked_at),
    status: r.revoked_at ? ("revoked" as const) : ("active" as const),
    lastSeq: Number(r.last_seq ?? 0),
    rejectedMutations: Number(r.rejected),
  }));
}

/** Revoked at once: the device-token middleware refuses the next request. */
export async function revokeDevice(database: Database, shopId: string, deviceId: string, now: Date) {
  const row = await revokeCredential<{ revoked_at: Date | string }>(
    database.db,
    "devices",
    { shopId, id: deviceId },
    now,
    "revoked_at",
  );
  if (!row) throw notFound(`device ${deviceId}`);
  return { deviceId, revokedAt: new Date(row.revoked_at).toISOString() };
}
