import type { ShopifyMarketingConsent } from "../wire/webhooks";
import type { ConsentAction } from "./ledger";

/** A consent row read from Shopify's customer record; the ledger's ordering rule decides as for any source. */
export interface ShopifyConsentEntry {
  /** Deterministic, so the same Shopify state delivered again (retries, update after update) is one row. */
  id: string;
  channel: "email" | "sms";
  action: ConsentAction;
  actedAt: Date;
  /** What the row says happened, in Shopify's words (state and opt-in level). */
  text: string;
}

/**
 * Shopify's states that are a customer's act: `subscribed` grants, `unsubscribed` revokes. The others
 * are not one: `not_subscribed` (never asked), `pending` (confirmation e-mail not yet answered),
 * `invalid` and `redacted` (Shopify's bookkeeping); they leave our ledger as it is.
 */
const ACTION_OF: Record<string, ConsentAction> = { subscribed: "granted", unsubscribed: "revoked" };

export function shopifyConsentEntries(
  shopifyCustomerId: string,
  consents: { email?: ShopifyMarketingConsent | null; sms?: ShopifyMarketingConsent | null },
  recordUpdatedAt: Date,
): ShopifyConsentEntry[] {
  const entries: ShopifyConsentEntry[] = [];
  for (const channel of ["email", "sms"] as const) {
    const consent = consents[channel];
    const state = consent?.state?.toLowerCase() ?? null;
    const action = state ? ACTION_OF[state] : undefined;
    if (!consent || !state || !action) continue;
    // Shopify leaves consent_updated_at empty on some records; the record's own time is the best we know.
    const actedAt = consent.consent_updated_at ?? recordUpdatedAt;
    const level = consent.opt_in_level ? `, ${consent.opt_in_level}` : "";
    entries.push({
      id: `shopify:${shopifyCustomerId}:${channel}:${state}:${actedAt.toISOString()}`,
      channel,
      action,
      actedAt,
      text: `Shopify ${channel} marketing consent: ${state}${level}`,
    });
  }
  return entries;
}

/** A consent row of ours (register, tablet, unsubscribe) that Shopify may send back to us. */
export interface OwnConsentRow {
  channel: string;
  action: ConsentAction;
  actedAt: Date;
}

/**
 * Our write-back gives Shopify the time the customer acted (`consentUpdatedAt`), and Shopify's next customer
 * webhook reports that same act back: it is not a second one, so it adds no row. Shopify keeps the time to the
 * second, so the two times are compared to the second.
 */
export function echoesOwnConsent(entry: ShopifyConsentEntry, own: readonly OwnConsentRow[]): boolean {
  const second = (at: Date) => Math.floor(at.getTime() / 1000);
  return own.some(
    (row) =>
      row.channel === entry.channel && row.action === entry.action && second(row.actedAt) === second(entry.actedAt),
  );
}
