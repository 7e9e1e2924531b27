import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows } from "../../db/rows";

/**
 * What the merchant hands out and can take back: a paired device's token, a messaging tool's API key.
 * Both are named, dated and revoked the same way.
 */
export interface CredentialRow {
  id: string;
  name: string;
  created_at: Date | string;
  revoked_at: Date | string | null;
}

/** The tables that hold credentials; each has `shop_id`, `id` and `revoked_at`. */
type CredentialTable = "devices" | "messaging_api_keys";

/**
 * Revokes a credential at once (the next request with it is refused); revoking twice keeps the first
 * time. Answers the row with the `returning` columns, or null when the shop has no such credential.
 */
export async function revokeCredential<Row>(
  q: Queryable,
  table: CredentialTable,
  ref: { shopId: string; id: string },
  now: Date,
  returning: string,
): Promise<Row | null> {
  const [row] = await queryRows<Row>(
    q,
    sql`UPDATE ${sql.identifier(table)} SET revoked_at = coalesce(revoked_at, ${now})
        WHERE shop_id = ${ref.shopId} AND id = ${ref.id} RETURNING ${sql.raw(returning)}`,
  );
  return row ?? null;
}
