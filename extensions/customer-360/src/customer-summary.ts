/** How a customer reads at the register: names, labels and the tile's line, all from the register view. */
import type { PosCustomerView } from "@c360/shared";
import type { ChannelConsentRow } from "./consent-capture";

export { CHURN_LABELS, LIFECYCLE_LABELS, formatMoney, nextTierLine } from "@c360/shared/labels";

export function customerName(view: PosCustomerView): string {
  const name = [view.firstName, view.lastName].filter(Boolean).join(" ").trim();
  return name || view.emails[0] || view.phones[0] || "Unnamed customer";
}

export function progressPercent(loyalty: PosCustomerView["loyalty"]): number {
  return Math.round(Math.min(1, Math.max(0, loyalty.progress)) * 100);
}

export function lastVisitLabel(lastVisitAt: string | null, now: Date): string {
  if (!lastVisitAt) return "No visit yet";
  const days = Math.floor((now.getTime() - new Date(lastVisitAt).getTime()) / 86_400_000);
  if (days <= 0) return "Today";
  if (days === 1) return "Yesterday";
  if (days < 60) return `${days} days ago`;
  return lastVisitAt.slice(0, 10);
}

/** What needs the clerk's attention: the tile's badge counts these. */
export function attentionItems(view: PosCustomerView, consentRows: readonly ChannelConsentRow[]): string[] {
  const items: string[] = [];
  if (view.openDuplicates > 0)
    items.push(view.openDuplicates === 1 ? "1 possible duplicate" : `${view.openDuplicates} possible duplicates`);
  if (consentRows.some((r) => r.state === "grant_pending_sync" || r.state === "revoke_pending_sync"))
    items.push("consent pending sync");
  else if (!consentRows.some((r) => r.state === "granted")) items.push("no marketing consent yet");
  return items;
}

export interface TileFace {
  title: string;
  subtitle: string;
  badgeValue: number | undefined;
}

export function tileFace(
  input:
    | { kind: "no_customer" }
    | { kind: "loading" }
    | { kind: "unavailable"; message: string }
    | {
        kind: "profile";
        view: PosCustomerView;
        consentRows: readonly ChannelConsentRow[];
        offlineLabel: string | null;
      },
): TileFace {
  switch (input.kind) {
    case "no_customer":
      return { title: "Customer 360", subtitle: "No customer in cart · tap to look one up", badgeValue: undefined };
    case "loading":
      return { title: "Customer 360", subtitle: "Loading customer…", badgeValue: undefined };
    case "unavailable":
      return { title: "Customer 360", subtitle: input.message, badgeValue: undefined };
    case "profile": {
      const attention = attentionItems(input.view, input.consentRows);
      const parts = [input.view.loyalty.tier, ...attention];
      if (input.offlineLabel) parts.push(input.offlineLabel);
      return {
        title: customerName(input.view),
        subtitle: parts.join(" · "),
        badgeValue: attention.length || undefined,
      };
    }
  }
}
