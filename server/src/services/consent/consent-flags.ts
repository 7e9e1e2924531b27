import { CHANNELS, currentConsentState, type Channel } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { consentLedgersOf } from "./consent-entries";

/** The profile column that holds whether the channel is granted now. */
export const CONSENT_FLAG_COLUMN: Record<Channel, string> = {
  email: "consent_email",
  sms: "consent_sms",
  whatsapp: "consent_whatsapp",
  push: "consent_push",
};

/**
 * A profile row as a snapshot restores it when it was taken before the flags existed: nothing granted until recomputed.
 */
export const NO_CONSENT_FLAGS: Record<string, boolean> = Object.fromEntries(
  CHANNELS.map((ch) => [CONSENT_FLAG_COLUMN[ch], false]),
);

/**
 * Recomputes the profiles' consent flags from their ledgers with the shared rule, in the caller's
 * transaction: after every ledger append, and when a merge, undo or erasure moves ledger rows. The
 * ledger stays the record; the flags only let a whole-shop audience scan instead of reading it.
 */
export async function refreshConsentFlags(q: Queryable, shopId: string, profileIds: readonly string[]): Promise<void> {
  if (profileIds.length === 0) return;
  const ledgers = await consentLedgersOf(q, shopId, profileIds);
  const flags = [...ledgers].map(([id, entries]) => {
    const state = currentConsentState(entries);
    return { id, ...Object.fromEntries(CHANNELS.map((ch) => [ch, state[ch].granted])) };
  });
  await q.execute(sql`UPDATE profiles p SET consent_email = f.email, consent_sms = f.sms,
    consent_whatsapp = f.whatsapp, consent_push = f.push
    FROM jsonb_to_recordset(${JSON.stringify(flags)}::jsonb) AS f(id text, email boolean, sms boolean,
      whatsapp boolean, push boolean)
    WHERE p.shop_id = ${shopId} AND p.id = f.id
      AND (p.consent_email, p.consent_sms, p.consent_whatsapp, p.consent_push) IS DISTINCT
        FROM (f.email, f.sms, f.whatsapp, f.push)`);
}
