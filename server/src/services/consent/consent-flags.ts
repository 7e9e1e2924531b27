import { CHANNELS, currentConsentState, type Channel, type ConsentEntry } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows } from "../../db/rows";

/** The profile column that holds whether the channel is granted now. */
export const CONSENT_FLAG_COLUMN: Record<Channel, string> = {
  email: "consent_email",
  sms: "consent_sms",
  whatsapp: "consent_whatsapp",
  push: "consent_push",
};

/** A profile row as a snapshot restores it when it was taken before the flags existed: nothing granted until recomputed. */
export const NO_CONSENT_FLAGS: Record<string, boolean> = Object.fromEntries(
  CHANNELS.map((ch) => [CONSENT_FLAG_COLUMN[ch], false]),
);

/**
 * Recomputes the profiles' consent flags from their ledgers with the shared rule, in the caller's
 * transaction: after every ledger append, and when a merge, undo or erasure moves ledger rows. The
 * ledger stays the record; the flags only let a whole-shop audience scan instead of reading it.
 */
export async function refreshConsentFlags(q: Queryable, shopId: string, profileIds: readonly string[]): Promise<void> {
  const ids = [...new Set(profileIds)];
  if (ids.length === 0) return;
  const rows = await queryRows<{
    profile_id: string;
    id: string;
    channel: string;
    action: "granted" | "revoked";
    acted_at: Date | string;
    received_at: Date | string;
  }>(
    q,
    sql`SELECT profile_id, id, channel, action, acted_at, received_at FROM consents
        WHERE shop_id = ${shopId} AND profile_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`,
  );
  const ledgers = new Map<string, ConsentEntry[]>(ids.map((id) => [id, []]));
  for (const r of rows) {
    ledgers.get(r.profile_id)?.push({
      id: r.id,
      channel: r.channel as ConsentEntry["channel"],
      action: r.action,
      actedAt: new Date(r.acted_at),
      receivedAt: new Date(r.received_at),
    });
  }
  const flags = [...ledgers].map(([id, entries]) => {
    const state = currentConsentState(entries);
    return { id, ...Object.fromEntries(CHANNELS.map((ch) => [ch, state[ch].granted])) };
  });
  await q.execute(sql`UPDATE profiles p SET consent_email = f.email, consent_sms = f.sms, consent_whatsapp = f.whatsapp, consent_push = f.push
    FROM jsonb_to_recordset(${JSON.stringify(flags)}::jsonb) AS f(id text, email boolean, sms boolean, whatsapp boolean, push boolean)
    WHERE p.shop_id = ${shopId} AND p.id = f.id
      AND (p.consent_email, p.consent_sms, p.consent_whatsapp, p.consent_push) IS DISTINCT FROM (f.email, f.sms, f.whatsapp, f.push)`);
}
