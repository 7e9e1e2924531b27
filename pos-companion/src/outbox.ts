import type { MutationArgs, MutationName } from "@c360/shared/wire/sync";
import { type CompanionDb, type LocalCustomer, type OutboxRow, searchTerms, withReopen } from "./db";

/** Time and IDs are passed in so the queue is testable. */
export interface ChangeDeps {
  now: () => Date;
  uuid: () => string;
}

export const browserChangeDeps: ChangeDeps = { now: () => new Date(), uuid: () => crypto.randomUUID() };

const NEXT_SEQ = "nextSeq";
const CLIENT_ID = "clientId";

/** The client ID is made once per install and never changes: the server orders this device's changes by it. */
export async function clientIdOf(db: CompanionDb, deps: Pick<ChangeDeps, "uuid">): Promise<string> {
  return db.transaction("rw", db.meta, async () => {
    const row = await db.meta.get(CLIENT_ID);
    if (typeof row?.value === "string") return row.value;
    const id = `tablet-${deps.uuid()}`;
    await db.meta.put({ key: CLIENT_ID, value: id });
    return id;
  });
}

/**
 * Writes a local change and its outbox row in one IndexedDB transaction: either both exist or
 * neither does, so nothing the screen calls "saved" can be missing from the queue.
 */
export async function recordChange<N extends MutationName>(
  db: CompanionDb,
  deps: ChangeDeps,
  change: { name: N; args: MutationArgs<N>; customerKey: string | null; applyLocally?: () => Promise<unknown> },
): Promise<OutboxRow> {
  return withReopen(db, () =>
    db.transaction("rw", [db.outbox, db.meta, db.customers], async () => {
      await change.applyLocally?.();
      const counter = await db.meta.get(NEXT_SEQ);
      const seq = typeof counter?.value === "number" ? counter.value : 1;
      await db.meta.put({ key: NEXT_SEQ, value: seq + 1 });
      const row: OutboxRow = {
        seq,
        id: deps.uuid(),
        name: change.name,
        args: change.args as Record<string, unknown>,
        createdAt: deps.now().toISOString(),
        customerKey: change.customerKey,
      };
      await db.outbox.add(row);
      return row;
    }),
  );
}

export interface CaptureInput {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  birthday: string | null;
}

/** Signs a customer up on this tablet; they are searchable at once, before any sync. */
export async function captureCustomer(db: CompanionDb, deps: ChangeDeps, input: CaptureInput): Promise<LocalCustomer> {
  const localId = deps.uuid();
  const customer: LocalCustomer = {
    id: localId,
    localId,
    profileId: null,
    firstName: input.firstName,
    lastName: input.lastName,
    emails: input.email ? [input.email] : [],
    phones: input.phone ? [input.phone] : [],
    birthday: input.birthday,
    tier: null,
    points: 0,
    lifecycleStage: "new",
    consent: {},
    terms: [],
    updatedAt: deps.now().toISOString(),
  };
  customer.terms = searchTerms(customer);
  await recordChange(db, deps, {
    name: "customer.capture",
    args: {
      localId,
      firstName: input.firstName,
      lastName: input.lastName,
      email: input.email,
      phone: input.phone,
      birthday: input.birthday,
    },
    customerKey: localId,
    applyLocally: () => db.customers.add(customer),
  });
  return customer;
}

/**
 * The same email is the same person: a sign-up with an email this tablet already lists adds to that
 * customer (a phone, a birthday, the visit and consent that follow) in their one row. Their name changes
 * only when staff chose to update it; otherwise the capture carries no name, so the server keeps theirs.
 */
export async function addToExistingCustomer(
  db: CompanionDb,
  deps: ChangeDeps,
  existing: LocalCustomer,
  input: CaptureInput,
  opts: { updateName: boolean },
): Promise<LocalCustomer> {
  // A capture of its own: the server finds the customer by the email and maps this ID to them.
  const localId = deps.uuid();
  const names = opts.updateName
    ? { firstName: input.firstName, lastName: input.lastName }
    : { firstName: null, lastName: null };
  await recordChange(db, deps, {
    name: "customer.capture",
    args: { localId, ...names, email: input.email, phone: input.phone, birthday: input.birthday },
    customerKey: existing.id,
    applyLocally: () =>
      db.customers.update(existing.id, (c) => {
        c.localId = c.localId ?? localId;
        if (opts.updateName) Object.assign(c, names);
        if (input.email && !c.emails.includes(input.email)) c.emails = [...c.emails, input.email];
        if (input.phone && !c.phones.includes(input.phone)) c.phones = [...c.phones, input.phone];
        c.birthday = input.birthday ?? c.birthday;
        c.terms = searchTerms(c);
        c.updatedAt = deps.now().toISOString();
      }),
  });
  return (await db.customers.get(existing.id))!;
}

/** Who a mutation is about: the local ID while the server has not mapped it, and the profile ID once it has. */
export function subjectOf(c: Pick<LocalCustomer, "localId" | "profileId">): { localId?: string; profileId?: string } {
  return { ...(c.localId ? { localId: c.localId } : {}), ...(c.profileId ? { profileId: c.profileId } : {}) };
}

export async function recordConsent(
  db: CompanionDb,
  deps: ChangeDeps,
  customer: LocalCustomer,
  consent: {
    channel: MutationArgs<"consent.record">["channel"];
    action: "granted" | "revoked";
    text: string;
    textVersion: number;
    locale: string;
    staffId?: string | null;
  },
): Promise<OutboxRow> {
  return recordChange(db, deps, {
    name: "consent.record",
    args: {
      ...subjectOf(customer),
      channel: consent.channel,
      action: consent.action,
      text: consent.text,
      textVersion: consent.textVersion,
      locale: consent.locale,
      staffId: consent.staffId ?? null,
    },
    customerKey: customer.id,
    applyLocally: () =>
      db.customers.update(customer.id, (c) => {
        c.consent = { ...c.consent, [consent.channel]: consent.action === "granted" };
        c.updatedAt = deps.now().toISOString();
      }),
  });
}

export async function logVisit(
  db: CompanionDb,
  deps: ChangeDeps,
  customer: LocalCustomer,
  where: { locationId: string | null },
): Promise<OutboxRow> {
  return recordChange(db, deps, {
    name: "visit.log",
    args: { ...subjectOf(customer), locationId: where.locationId, at: deps.now().toISOString() },
    customerKey: customer.id,
  });
}

export async function pendingCount(db: CompanionDb): Promise<number> {
  return withReopen(db, () => db.outbox.count());
}
