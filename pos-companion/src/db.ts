import Dexie, { type EntityTable } from "dexie";
import type { Channel } from "@c360/shared/settings";

/** A customer as this tablet knows them: pulled from the server, captured here, or both. */
export interface LocalCustomer {
  /** The server's profile ID once known, else the device-local ID. */
  id: string;
  /** Set when the customer was captured on this device; later mutations refer to it until the server maps it. */
  localId: string | null;
  profileId: string | null;
  firstName: string | null;
  lastName: string | null;
  emails: string[];
  phones: string[];
  birthday: string | null;
  tier: string | null;
  points: number;
  lifecycleStage: string;
  /** 0–1, as the server last computed it; absent for a customer captured here and not yet pulled. */
  engagementScore?: number | null;
  consent: Partial<Record<Channel, boolean>>;
  /** Lower-cased name parts, emails and phone digits: what staff type into the search box. */
  terms: string[];
  updatedAt: string;
}

/** One queued change. The outbox is the sync queue: a row leaves only when the server has acknowledged it. */
export interface OutboxRow {
  seq: number;
  id: string;
  name: string;
  args: Record<string, unknown>;
  createdAt: string;
  /** The customer the change is about (their `LocalCustomer.id` at the time), so the UI can show "pending". */
  customerKey: string | null;
}

/** A change the server refused; kept so staff can see why, never retried. */
export interface RejectedChange {
  id: string;
  seq: number;
  name: string;
  reason: string;
  customerKey: string | null;
  rejectedAt: string;
  /** Set when the change was applied but this one field was left off (an invalid email). */
  field?: string;
}

export interface StoredConsentText {
  channel: Channel;
  locale: string;
  version: number;
  text: string;
}

export interface MetaRow {
  key: string;
  value: unknown;
}

export class CompanionDb extends Dexie {
  customers!: EntityTable<LocalCustomer, "id">;
  outbox!: EntityTable<OutboxRow, "seq">;
  rejected!: EntityTable<RejectedChange, "id">;
  consentTexts!: EntityTable<StoredConsentText & { key: string }, "key">;
  meta!: EntityTable<MetaRow, "key">;

  constructor(name = "c360-companion", options?: ConstructorParameters<typeof Dexie>[1]) {
    super(name, options);
    this.version(1).stores({
      customers: "id, localId, profileId, *terms, updatedAt",
      outbox: "seq, &id, customerKey",
      rejected: "id, seq",
      consentTexts: "key, channel",
      meta: "key",
    });
  }
}

export function searchTerms(c: Pick<LocalCustomer, "firstName" | "lastName" | "emails" | "phones">): string[] {
  const terms = new Set<string>();
  const names = [c.firstName, c.lastName]
    .filter((n): n is string => !!n && n.trim().length > 0)
    .map((n) => n.trim().toLowerCase());
  for (const n of names) for (const part of n.split(/\s+/)) terms.add(part);
  if (names.length > 1) terms.add(names.join(" "));
  for (const e of c.emails) terms.add(e.toLowerCase());
  for (const p of c.phones) {
    const digits = p.replace(/\D/g, "");
    // Staff type the national number; the stored one starts with a 1 to 3 digit country code.
    for (let cut = 0; cut <= 3 && digits.length - cut >= 5; cut++) terms.add(digits.slice(cut));
  }
  return [...terms];
}

/** Search by what staff type: a name, part of an email, or phone digits. */
export async function searchCustomers(db: CompanionDb, query: string, limit = 20): Promise<LocalCustomer[]> {
  const q = query.trim().toLowerCase();
  if (q.length === 0) return [];
  const digits = q.replace(/[\s()+.-]/g, "");
  const needle = /^\d{3,}$/.test(digits) ? digits : q;
  const rows = await db.customers.where("terms").startsWith(needle).distinct().limit(limit).toArray();
  return rows.sort((a, b) => displayName(a).localeCompare(displayName(b)));
}

export function displayName(c: Pick<LocalCustomer, "firstName" | "lastName" | "emails" | "phones">): string {
  const name = [c.firstName, c.lastName].filter(Boolean).join(" ");
  return name || c.emails[0] || c.phones[0] || "Unnamed customer";
}

/**
 * iPadOS closes IndexedDB connections of backgrounded tabs; Dexie then throws DatabaseClosedError.
 * Reopen once and run the operation again rather than telling staff their save failed.
 */
export async function withReopen<T>(db: Dexie, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if ((error as Error | null)?.name !== "DatabaseClosedError") throw error;
    if (!db.isOpen()) await db.open();
    return operation();
  }
}
