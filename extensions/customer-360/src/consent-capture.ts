/** Consent at the register: which text the customer is shown, and the ledger row it becomes. */
import type { Channel, PosCustomerView } from "@c360/shared";
import type { ConsentCaptureBody, ConsentText } from "./api";
import type { OutboxEntry } from "./offline-queue";

import { consentTextToShow } from "@c360/shared/consent/text-choice";
import { CHANNEL_LABELS, channelLabel } from "@c360/shared/labels";

export { CHANNEL_LABELS, channelLabel };
export const CHANNELS = Object.keys(CHANNEL_LABELS) as Channel[];

/** The shop's text for a channel in the register's language (the shared rule the tablet follows too). */
export const pickConsentText = (texts: readonly ConsentText[], channel: Channel, locale: string) =>
  consentTextToShow(texts, channel, locale);

export interface RegisterSession {
  locationId: number | string | null | undefined;
  staffMemberId?: number | string | null | undefined;
  userId?: number | string | null | undefined;
}

/** Who captured it comes from the POS session, never from what the clerk typed. */
export function staffOf(session: RegisterSession): string | null {
  const staff = session.staffMemberId ?? session.userId;
  return staff == null ? null : String(staff);
}

export function buildConsentCapture(input: {
  id: string;
  shopifyCustomerId: string;
  channel: Channel;
  action: "granted" | "revoked";
  text: ConsentText;
  actedAt: Date;
  session: RegisterSession;
  /** Asked for by the register when an SMS or WhatsApp grant finds no phone on the profile. */
  phone?: string | undefined;
}): ConsentCaptureBody {
  return {
    ...(input.phone?.trim() ? { phone: input.phone.trim() } : {}),
    id: input.id,
    shopifyCustomerId: input.shopifyCustomerId,
    channel: input.channel,
    action: input.action,
    text: input.text.text,
    textVersion: input.text.version,
    locale: input.text.locale,
    actedAt: input.actedAt.toISOString(),
    source: "pos",
    locationId: input.session.locationId == null ? null : String(input.session.locationId),
    staffId: staffOf(input.session),
    jurisdiction: null,
  };
}

export type ChannelConsentState = "granted" | "not_granted" | "grant_pending_sync" | "revoke_pending_sync";

export interface ChannelConsentRow {
  channel: Channel;
  state: ChannelConsentState;
  since: string | null;
}

/** Consent per channel as the clerk should see it: a capture still in the outbox wins over the server's view. */
export function channelConsentRows(
  view: PosCustomerView | null,
  pending: readonly OutboxEntry[],
  shopifyCustomerId: string,
): ChannelConsentRow[] {
  return CHANNELS.map((channel) => {
    const queued = pending.filter(
      (e): e is Extract<OutboxEntry, { kind: "consent" }> =>
        e.kind === "consent" && e.body.channel === channel && e.body.shopifyCustomerId === shopifyCustomerId,
    );
    const latest = queued[queued.length - 1];
    if (latest)
      return {
        channel,
        state: latest.body.action === "granted" ? "grant_pending_sync" : "revoke_pending_sync",
        since: null,
      };
    const server = view?.consent[channel];
    return { channel, state: server?.granted ? "granted" : "not_granted", since: server?.since ?? null };
  });
}

/** After a sale, ask only for what the customer has not already given (or is not already pending). */
export function channelsToAsk(rows: readonly ChannelConsentRow[]): Channel[] {
  return rows.filter((r) => r.state === "not_granted" || r.state === "revoke_pending_sync").map((r) => r.channel);
}

export function consentStateLabel(row: ChannelConsentRow): string {
  switch (row.state) {
    case "granted":
      return row.since ? `Granted since ${row.since.slice(0, 10)}` : "Granted";
    case "not_granted":
      return "Not granted";
    case "grant_pending_sync":
      return "Granted, pending sync";
    case "revoke_pending_sync":
      return "Revoked, pending sync";
  }
}
