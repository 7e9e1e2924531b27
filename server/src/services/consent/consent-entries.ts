import type { ConsentEntry } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows } from "../../db/rows";
import { sqlTextArray } from "../../db/sql-arrays";

/** The columns of a stored consent that the shared current-state rule reads. */
export interface ConsentEntryRow {
  id: string;
  channel: string;
  action: "granted" | "revoked";
  acted_at: Date | string;
  received_at: Date | string;
}

/** A stored consent row (or its JSON copy, with timestamps as text) as the shared rule's ledger entry. */
export function consentEntryOf(r: ConsentEntryRow): ConsentEntry {
  return {
    id: r.id,
    channel: r.channel as ConsentEntry["channel"],
    action: r.action,
    actedAt: new Date(r.acted_at),
    receivedAt: new Date(r.received_at),
  };
}

/** Each profile's consent ledger, read in one statement; a profile without consents has an empty ledger. */
export async function consentLedgersOf(
  q: Queryable,
  shopId: string,
  profileIds: readonly string[],
): Promise<Map<string, ConsentEntry[]>> {
  const ids = [...new Set(profileIds)];
  const ledgers = new Map<string, ConsentEntry[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return ledgers;
  const rows = await queryRows<ConsentEntryRow & { profile_id: string }>(
    q,
    sql`SELECT profile_id, id, channel, action, acted_at, received_at FROM consents
        WHERE shop_id = ${shopId} AND profile_id = ANY(${sqlTextArray(ids)})`,
  );
  for (const r of rows) ledgers.get(r.profile_id)?.push(consentEntryOf(r));
  return ledgers;
}
