import type { RawIdentifiers } from "../identity/normalize";
import type { MessageEventKind, PixelEvent } from "../wire/signals";

/**
 * The identifiers a storefront event saw together: the browser's client id with whatever the buyer
 * typed at checkout or the signed-in customer's own. Null when the event names no one but the browser:
 * such events are kept against the client id alone and join a profile only once that browser is linked
 * (a client id by itself never creates a profile or ties two together).
 */
export function pixelEventIdentifiers(clientId: string, event: PixelEvent): RawIdentifiers | null {
  if (!event.email && !event.phone && !event.shopifyCustomerId) return null;
  return {
    deviceId: clientId,
    email: event.email ?? null,
    phone: event.phone ?? null,
    shopifyCustomerId: event.shopifyCustomerId ?? null,
  };
}

/** How much a reported message event says about the customer (SPEC "Engagement score"). */
export type MessageSignal = "strong" | "weak" | "none";

/**
 * Replies and clicks are the customer's own acts; an open may be a mail client's (Apple Mail Privacy
 * Protection opens every message), so it counts weakly; sends and deliveries are ours, not theirs.
 * An unsubscribe is a consent revocation, not engagement.
 */
export function messageSignal(kind: MessageEventKind): MessageSignal {
  if (kind === "replied" || kind === "clicked") return "strong";
  if (kind === "opened") return "weak";
  return "none";
}

/** Products the customer looked at online and never bought, most recently viewed first. */
export function viewedNotBought(
  views: readonly { productId: string; at: Date }[],
  boughtProductIds: Iterable<string>,
  limit = 5,
): string[] {
  const bought = new Set(boughtProductIds);
  const latest = new Map<string, number>();
  for (const v of views) {
    if (bought.has(v.productId)) continue;
    latest.set(v.productId, Math.max(latest.get(v.productId) ?? -Infinity, v.at.getTime()));
  }
  return [...latest.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, Math.max(0, limit))
    .map(([id]) => id);
}
