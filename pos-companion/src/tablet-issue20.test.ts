import { describe, expect, it } from "vitest";
import { addToExistingCustomer, captureCustomer, logVisit, recordConsent } from "./outbox";
import { describeChange, pendingConsent } from "./pending-changes";
import { deviceLocationLabel, exportOutbox, pair, readDevice, SyncEngine } from "./sync";
import { FakeSyncServer } from "./test-support/fake-server";
import { freshDb, sequentialUuids } from "./test-support/setup";

async function setup() {
  const db = freshDb();
  const server = new FakeSyncServer();
  const now = () => new Date("2026-11-25T10:00:00Z");
  const deps = {
    db,
    transport: server.transport(),
    now,
    uuid: sequentialUuids(),
    sleep: async () => {},
    random: () => 1,
    attempts: 1,
  };
  await pair(deps, "abc123", "Front tablet");
  return { db, server, deps, engine: new SyncEngine(deps) };
}
const maya = { firstName: "Maya", lastName: "Okafor", email: "maya@gmail.com", phone: "+14155550199", birthday: null };

describe("item 5: a save reaches the server within 2 seconds, whatever the screen does", () => {
  it("syncSoon pushes from the engine's own timer; a run already under way is followed by a fresh one", async () => {
    const { db, server, deps } = await setup();
    // A timed run is in flight and has already read the (empty) outbox: its pull is held until released.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const inner = server.transport();
    let calls = 0;
    let reached = () => {};
    const firstCall = new Promise<void>((resolve) => (reached = resolve));
    const transport = {
      ...inner,
      fetch: async (input: string, init?: RequestInit) => {
        if (++calls > 1) return inner.fetch(input, init);
        reached();
        return held.then(() => inner.fetch(input, init));
      },
    };
    const engine = new SyncEngine({ ...deps, transport });
    const started = Date.now();
    const running = engine.sync({ force: true });
    await firstCall; // the run found nothing to push and waits on its pull
    await captureCustomer(db, deps, maya);
    const soon = engine.syncSoon(50);
    setTimeout(release, 100);
    expect((await running).pushed).toBe(0);
    const report = await soon;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(report.pushed).toBe(1);
    expect(server.applied.map((a) => a.name)).toEqual(["customer.capture"]);
    expect(await db.outbox.count()).toBe(0);
  });
});

describe("item 2: a revoked tablet", () => {
  it("wipes its cached customers, keeps the outbox for export, and pushes it once after pairing again", async () => {
    const { db, server, deps, engine } = await setup();
    server.profiles.push({
      profileId: "p-known",
      firstName: "Ana",
      lastName: "Ruiz",
      emails: ["ana@gmail.com"],
      phones: [],
      tier: null,
      points: 0,
      lifecycleStage: "active",
      consent: { email: false, sms: false, whatsapp: false, push: false },
    });
    await engine.sync({ force: true });
    expect(await db.customers.count()).toBe(1);
    const c = await captureCustomer(db, deps, maya);
    await recordConsent(db, deps, c, { channel: "sms", action: "granted", text: "Yes", textVersion: 1, locale: "en" });
    server.revoked = true;

    const report = await engine.sync({ force: true });
    expect(report.error?.code).toBe("device_revoked");
    expect(await db.customers.count()).toBe(0);
    expect(await db.outbox.count()).toBe(2);
    const device = await readDevice(db);
    expect(device?.revoked).toMatchObject({
      code: "device_revoked",
      message: "this device was revoked in the admin; pair it again to sync",
    });
    expect(device?.token).toBe("");
    // Nothing more is tried with a token the server refused.
    const calls = server.calls.length;
    expect((await engine.sync({ force: true })).ran).toBe(false);
    expect(server.calls.length).toBe(calls);

    const exported = await exportOutbox(db, deps.now());
    expect(exported).toMatchObject({ kind: "c360-companion-unsynced-changes", shop: "shop-a.myshopify.com" });
    expect(exported.changes.map((r) => r.name)).toEqual(["customer.capture", "consent.record"]);
    expect(exported.changes[0]!.args).toMatchObject({ firstName: "Maya", email: "maya@gmail.com" });

    await pair(deps, "def456", "Front tablet");
    expect((await readDevice(db))?.revoked).toBeUndefined();
    const after = await engine.sync({ force: true });
    expect(after.error).toBeNull();
    expect(after.pushed).toBe(2);
    expect(server.applied.map((a) => a.name)).toEqual(["customer.capture", "consent.record"]);
    expect(await db.outbox.count()).toBe(0);
    expect((await db.customers.toArray()).map((x) => x.firstName).sort()).toEqual(["Ana", "Maya"]);
  });
});

describe("item 3: the same email is the same person", () => {
  it("adds to the existing customer in one row, without renaming them unless asked, also after sync", async () => {
    const { db, server, deps, engine } = await setup();
    server.profiles.push({
      profileId: "p-sarah",
      firstName: "Sarah",
      lastName: "Larsen",
      emails: ["sarah@gmail.com"],
      phones: [],
      tier: null,
      points: 0,
      lifecycleStage: "active",
      consent: { email: false, sms: false, whatsapp: false, push: false },
    });
    await engine.sync({ force: true });
    const sarah = (await db.customers.get("p-sarah"))!;
    const input = {
      firstName: "Sarah",
      lastName: "Larsen-Moore",
      email: "sarah@gmail.com",
      phone: "+14155550100",
      birthday: null,
    };
    const kept = await addToExistingCustomer(db, deps, sarah, input, { updateName: false });
    await recordConsent(db, deps, kept, {
      channel: "sms",
      action: "granted",
      text: "Yes",
      textVersion: 1,
      locale: "en",
    });
    await logVisit(db, deps, kept, { locationId: null });
    expect(await db.customers.count()).toBe(1);
    expect(kept).toMatchObject({ id: "p-sarah", lastName: "Larsen", phones: ["+14155550100"] });
    // The capture carries no name, so the server keeps hers.
    expect((await db.outbox.orderBy("seq").first())!.args).toMatchObject({
      firstName: null,
      lastName: null,
      email: "sarah@gmail.com",
    });

    await engine.sync({ force: true });
    const rows = await db.customers.toArray();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      profileId: "p-sarah",
      firstName: "Sarah",
      lastName: "Larsen",
      phones: ["+14155550100"],
    });
  });

  it("renames only when staff chose to, and a plain capture with a known email still ends as one row", async () => {
    const { db, server, deps, engine } = await setup();
    server.profiles.push({
      profileId: "p-sarah",
      firstName: "Sarah",
      lastName: "Larsen",
      emails: ["sarah@gmail.com"],
      phones: [],
      tier: null,
      points: 0,
      lifecycleStage: "active",
      consent: { email: false, sms: false, whatsapp: false, push: false },
    });
    await engine.sync({ force: true });
    const renamed = await addToExistingCustomer(
      db,
      deps,
      (await db.customers.get("p-sarah"))!,
      { firstName: "Sarah", lastName: "Moore", email: "sarah@gmail.com", phone: null, birthday: null },
      { updateName: true },
    );
    expect(renamed.lastName).toBe("Moore");
    // An older tablet build's capture as a new customer: the server maps it to Sarah; the tablet folds the rows.
    await captureCustomer(db, deps, {
      firstName: "S.",
      lastName: "Larsen",
      email: "sarah@gmail.com",
      phone: null,
      birthday: null,
    });
    expect(await db.customers.count()).toBe(2);
    await engine.sync({ force: true });
    expect((await db.customers.toArray()).map((c) => c.profileId)).toEqual(["p-sarah"]);
  });
});

describe("item 6: what waits is shown as waiting", () => {
  it("describes each queued change in words and marks a consent pending until the server has it", async () => {
    const { db, deps, engine } = await setup();
    const c = await captureCustomer(db, deps, maya);
    await recordConsent(db, deps, c, { channel: "sms", action: "granted", text: "Yes", textVersion: 1, locale: "en" });
    await logVisit(db, deps, c, { locationId: null });
    const rows = await db.outbox.orderBy("seq").toArray();
    const customer = await db.customers.get(c.id);
    expect(rows.map((r) => describeChange(r, customer))).toEqual([
      "Customer details · Maya Okafor",
      "SMS consent given · Maya Okafor",
      "Visit logged · Maya Okafor",
    ]);
    expect(describeChange(rows[1]!, undefined)).toBe("SMS consent given · a customer");
    expect(pendingConsent(rows, c.id)).toEqual({ sms: "granted" });
    await engine.sync({ force: true });
    expect(pendingConsent(await db.outbox.toArray(), c.id)).toEqual({});
  });
});

describe("item 11: the header names the location", () => {
  it("shows the name the pairing answered, and never a bare Shopify GID", () => {
    expect(deviceLocationLabel({ location: "gid://shopify/Location/1001", locationName: "Soho store" })).toBe(
      "Soho store",
    );
    expect(deviceLocationLabel({ location: "gid://shopify/Location/1001" })).toBe("Location 1001");
    expect(deviceLocationLabel({ location: null })).toBeNull();
  });
});
