import type { LocalCustomer, OutboxRow } from "./db";
import { displayName } from "./db";

const CHANNEL_NAMES: Record<string, string> = {
  email: "Email",
  sms: "SMS",
  whatsapp: "WhatsApp",
  push: "Push",
  all: "All channels",
};

type Named = Pick<LocalCustomer, "firstName" | "lastName" | "emails" | "phones">;

/**
 * One waiting change in the clerk's words ("SMS consent given · Maya Okafor"). The customer's name comes
 * from the cached row, else from the capture itself (the cache is wiped on a revoked tablet).
 */
export function describeChange(row: OutboxRow, customer: Named | undefined): string {
  const a = row.args as Record<string, string | null | undefined>;
  const fromArgs: Named = {
    firstName: a.firstName ?? null,
    lastName: a.lastName ?? null,
    emails: a.email ? [a.email] : [],
    phones: a.phone ? [a.phone] : [],
  };
  const named = fromArgs.firstName || fromArgs.lastName ? fromArgs : (customer ?? fromArgs);
  const who = customer ? displayName(customer) : row.name === "customer.capture" ? displayName(fromArgs) : "a customer";
  switch (row.name) {
    case "customer.capture":
      return `Customer details · ${displayName(named)}`;
    case "consent.record": {
      const what = a.action === "revoked" ? "withdrawn" : "given";
      return `${CHANNEL_NAMES[a.channel ?? ""] ?? a.channel} consent ${what} · ${who}`;
    }
    case "visit.log":
      return `Visit logged · ${who}`;
    case "unsubscribe":
      return `Unsubscribed from everything · ${who}`;
    default:
      return `${row.name} · ${who}`;
  }
}

/** The consent a customer's queued changes set per channel, latest last: what the screen marks as pending. */
export function pendingConsent(
  rows: readonly OutboxRow[],
  customerId: string,
): Partial<Record<string, "granted" | "revoked">> {
  const out: Partial<Record<string, "granted" | "revoked">> = {};
  for (const r of [...rows].sort((x, y) => x.seq - y.seq)) {
    if (r.customerKey !== customerId || r.name !== "consent.record") continue;
    const { channel, action } = r.args as { channel?: string; action?: "granted" | "revoked" };
    if (channel && action) out[channel] = action;
  }
  return out;
}
