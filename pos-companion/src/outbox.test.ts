import { describe, expect, it } from "vitest";
import { searchCustomers } from "./db";
import { captureCustomer, clientIdOf, logVisit, recordChange, recordConsent } from "./outbox";
import { freshDb, sequentialUuids } from "./test-support/setup";

const deps = () => ({ now: () => new Date("2026-11-25T10:00:00Z"), uuid: sequentialUuids() });
const sarah = {
  firstName: "Sarah",
  lastName: "Lopez",
  email: "sarah@gmail.com",
  phone: "+15551234567",
  birthday: null,
};

describe("outbox", () => {
  it("gives every change a growing seq, kept across reopen", async () => {
    const db = freshDb();
    const d = deps();
    const c = await captureCustomer(db, d, sarah);
    await recordConsent(db, d, c, { channel: "sms", action: "granted", text: "Yes", textVersion: 1, locale: "en" });
    db.close();
    await db.open();
    await logVisit(db, d, c, { locationId: "loc-1" });
    const rows = await db.outbox.orderBy("seq").toArray();
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(rows.map((r) => r.name)).toEqual(["customer.capture", "consent.record", "visit.log"]);
    expect(rows[1]!.args).toMatchObject({ localId: c.localId, channel: "sms", action: "granted" });
  });

  it("writes the local row and its outbox row in one transaction: a failure leaves neither", async () => {
    const db = freshDb();
    const d = deps();
    await expect(
      recordChange(db, d, {
        name: "customer.capture",
        args: { localId: "00000000-0000-4000-8000-000000000099" },
        customerKey: "x",
        applyLocally: async () => {
          await db.customers.add({
            id: "x",
            localId: "x",
            profileId: null,
            firstName: "A",
            lastName: null,
            emails: [],
            phones: [],
            birthday: null,
            tier: null,
            points: 0,
            lifecycleStage: "new",
            consent: {},
            terms: [],
            updatedAt: "",
          });
          await db.customers.add({ id: "x" } as never); // duplicate key: the transaction aborts
        },
      }),
    ).rejects.toThrow();
    expect(await db.customers.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    expect((await db.meta.get("nextSeq"))?.value).toBeUndefined();
  });

  it("keeps one client ID per install", async () => {
    const db = freshDb();
    const d = deps();
    const a = await clientIdOf(db, d);
    const b = await clientIdOf(db, d);
    expect(a).toBe(b);
    expect(a).toMatch(/^tablet-[A-Za-z0-9-]+$/);
  });

  it("finds a captured customer offline by name, email or phone as staff type", async () => {
    const db = freshDb();
    await captureCustomer(db, deps(), sarah);
    for (const q of ["sar", "LOP", "sarah lo", "sarah@g", "555123", "(555) 12", "+1 555"]) {
      expect(
        (await searchCustomers(db, q)).map((c) => c.firstName),
        q,
      ).toEqual(["Sarah"]);
    }
    expect(await searchCustomers(db, "bob")).toEqual([]);
  });

  it("reopens a closed connection and retries the write (iPadOS backgrounding)", async () => {
    const db = freshDb();
    await db.open();
    db.close({ disableAutoOpen: true });
    const c = await captureCustomer(db, deps(), sarah);
    expect(await db.customers.get(c.id)).toBeTruthy();
    expect(await db.outbox.count()).toBe(1);
  });
});
