import { CHANNELS, type Channel } from "../settings";

export const CONSENT_SOURCES = ["pos", "companion", "online", "admin", "shopify", "messaging"] as const;
// The wire schema for sources lives in wire/consent.ts; "shopify" and "messaging" are not in it: only
// Shopify's signed webhooks and a messaging tool's API key write them, a client can never claim them.
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

export const CONSENT_ACTIONS = ["granted", "revoked"] as const;
export type ConsentAction = (typeof CONSENT_ACTIONS)[number];

/**
 * One row of the append-only consent ledger, reduced to what ordering needs.
 * `channel: "all"` with `action: "revoked"` is a global unsubscribe. An "all" grant is ignored:
 * opt-in is explicit per channel, so a blanket grant never turns a channel on.
 */
export interface ConsentEntry {
  id: string;
  channel: Channel | "all";
  action: ConsentAction;
  /** Effective time the customer acted: device time, sanity-checked by `effectiveActedAt`. */
  actedAt: Date;
  receivedAt: Date;
}

/** Device clocks may run a little fast; anything further ahead of the server is not believed. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * The time the customer acted, as far as we can trust the device. A device clock more than
 * `MAX_CLOCK_SKEW_MS` ahead of receipt (or unreadable) would let a stale capture outrank later ones,
 * so it is replaced by the receipt time and flagged. Device times in the past are kept: a tablet
 * offline for a week really did capture consent a week ago.
 */
export function effectiveActedAt(deviceTime: Date, receivedAt: Date): { actedAt: Date; clamped: boolean } {
  const received = receivedAt.getTime();
  if (Number.isNaN(received)) throw new RangeError("consent receipt time is not a valid date");
  const device = deviceTime.getTime();
  if (Number.isNaN(device) || device - received > MAX_CLOCK_SKEW_MS) {
    return { actedAt: new Date(received), clamped: true };
  }
  return { actedAt: new Date(device), clamped: false };
}

export interface ChannelConsent {
  granted: boolean;
  /** When the deciding entry was acted; null when the customer never acted on this channel. */
  since: Date | null;
  /** The ledger entry that decides the current state (the evidence to show). */
  entryId: string | null;
}
export type ConsentState = Record<Channel, ChannelConsent>;

const ACTION_RANK: Record<ConsentAction, number> = { granted: 0, revoked: 1 };

/**
 * Total order on entries: by actedAt; on a tie the revocation sorts last so it wins; then receipt
 * time, then id. Every key is part of the entry, so the outcome never depends on arrival order.
 */
export function compareConsentEntries(a: ConsentEntry, b: ConsentEntry): number {
  return (
    a.actedAt.getTime() - b.actedAt.getTime() ||
    ACTION_RANK[a.action] - ACTION_RANK[b.action] ||
    a.receivedAt.getTime() - b.receivedAt.getTime() ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export function neverConsented(): ConsentState {
  const state = {} as ConsentState;
  for (const channel of CHANNELS) state[channel] = { granted: false, since: null, entryId: null };
  return state;
}

/** Replays the ledger in acted order; the last applicable entry per channel decides. */
export function currentConsentState(entries: readonly ConsentEntry[]): ConsentState {
  const state = neverConsented();
  for (const entry of [...entries].sort(compareConsentEntries)) {
    if (entry.channel === "all") {
      if (entry.action !== "revoked") continue;
      for (const channel of CHANNELS) state[channel] = decided(entry);
    } else {
      state[entry.channel] = decided(entry);
    }
  }
  return state;
}

function decided(entry: ConsentEntry): ChannelConsent {
  return { granted: entry.action === "granted", since: new Date(entry.actedAt.getTime()), entryId: entry.id };
}
