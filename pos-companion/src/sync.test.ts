import { describe, expect, it } from "vitest";
import { phoneCountry, validateCapture } from "./capture-form";
import { consentTextsFor } from "./consent-texts";
import { captureCustomer, clientIdOf, logVisit, recordConsent } from "./outbox";
import { backoffDelay, pair, readDevice, readSyncStatus, SyncEngine } from "./sync";
import { FakeSyncServer } from "./test-support/fake-server";
import { freshDb, sequentialUuids } from "./test-support/setup";

async function setup(opts: { attempts?: number; pushBatchSize?: number; pairExtras?: Record<string, unknown> } = {}) {
  const { pairExtras, ...engineOpts } = opts;
  const db = freshDb();
  const server = new FakeSyncServer();
  server.pairExtras = pairExtras ?? {};
  let now = new Date("2026-11-25T10:00:00Z");
  const sleeps: number[] = [];
  const deps = {
    db,
    transport: server.transport(),
    now: () => now,
    uuid: sequentialUuids(),
    sleep: async (ms: number) => void sleeps.push(ms),
    random: () => 1,
    ...engineOpts,
  };
  await pair(deps, "abc123", "Front tablet");
  return {
    db,
    server,
    deps,
    sleeps,
    engine: new SyncEngine(deps),
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
  };
}
const sarah = {
  firstName: "Sarah",
  lastName: "Lopez",
  email: "sarah@gmail.com",
  phone: "+15551234567",
  birthday: null,
};

describe("sync engine", () => {
  it("pushes the outbox, maps the local customer to the server profile and pulls it back", async () => {
    const { db, server, deps, engine } = await setup();
    const c = await captureCustomer(db, deps, sarah);
    await recordConsent(db, deps, c, { channel: "sms", action: "granted", text: "Yes", textVersion: 1, locale: "en" });
    const report = await engine.sync();
    expect(report).toMatchObject({ pushed: 2, rejected: 0, pulled: 1, error: null });
    expect(await db.outbox.count()).toBe(0);
    expect(server.applied.map((a) => a.name)).toEqual(["customer.capture", "consent.record"]);
    const customers = await db.customers.toArray();
    expect(customers).toHaveLength(1); // the pulled profile updates the captured row, not a second one
    expect(customers[0]).toMatchObject({ id: c.id, localId: c.localId, profileId: "p-1" });
    expect((await readSyncStatus(db)).lastSyncAt).toBe("2026-11-25T10:00:00.000Z");
  });

  it("retries a failed push with growing waits, then succeeds", async () => {
    const { db, server, deps, engine, sleeps } = await setup({ attempts: 4 });
    await captureCustomer(db, deps, sarah);
    server.failNext = 2;
    const report = await engine.sync();
    expect(sleeps).toEqual([1000, 2000]);
    expect(report.error).toBeNull();
    expect(server.applied).toHaveLength(1);
  });

  it("after the attempts run out it waits (backoff) before the next timed run, but Sync now goes at once", async () => {
    const { db, server, deps, engine, advance } = await setup({ attempts: 1 });
    await captureCustomer(db, deps, sarah);
    server.failNext = 10;
    expect((await engine.sync()).error?.code).toBe("offline");
    const status = await readSyncStatus(db);
    expect(status.failures).toBe(1);
    expect(status.lastError?.message).toMatch(/No connection/);
    expect((await engine.sync()).ran).toBe(false); // timer tick inside the wait
    advance(1_001);
    expect((await engine.sync()).ran).toBe(true);
    expect((await readSyncStatus(db)).failures).toBe(2);
    server.failNext = 0;
    expect((await engine.sync({ force: true })).error).toBeNull();
    expect(await db.outbox.count()).toBe(0);
    expect(backoffDelay(30, () => 1)).toBe(5 * 60_000);
  });

  it("applies every change exactly once when a push answer is lost", async () => {
    const { db, server, deps, engine } = await setup({ attempts: 3 });
    const c = await captureCustomer(db, deps, sarah);
    await recordConsent(db, deps, c, { channel: "sms", action: "granted", text: "Yes", textVersion: 1, locale: "en" });
    server.loseNextAnswer = true;
    await engine.sync();
    expect(server.applied.map((a) => a.seq)).toEqual([1, 2]);
    expect(await db.outbox.count()).toBe(0);
    await logVisit(db, deps, c, { locationId: null });
    await engine.sync();
    expect(server.applied.map((a) => a.seq)).toEqual([1, 2, 3]);
    expect(new Set(server.applied.map((a) => a.id)).size).toBe(3);
  });

  it("resends from the server's expected seq on a 409 gap", async () => {
    const { db, server, deps, engine } = await setup();
    const c = await captureCustomer(db, deps, sarah);
    await logVisit(db, deps, c, { locationId: null });
    // The server lost its record of this device (restored from a backup): it expects seq 1 again.
    await db.outbox.where("seq").equals(1).delete(); // seq 1 was acknowledged before the restore
    server.lastSeq.set(await clientIdOf(db, deps), 0);
    const report = await engine.sync();
    expect(report.gaps).toBe(1);
    expect(server.applied.map((a) => [a.seq, a.name])).toEqual([[1, "visit.log"]]);
    expect((await db.meta.get("nextSeq"))?.value).toBe(2);
  });

  it("drops rows the server already has when it expects a later seq", async () => {
    const { db, server, deps, engine } = await setup();
    const c = await captureCustomer(db, deps, sarah);
    await logVisit(db, deps, c, { locationId: null });
    await logVisit(db, deps, c, { locationId: null });
    // The server applied seq 1 and 2 but the tablet crashed before recording the answer.
    server.lastSeq.set(await clientIdOf(db, deps), 2);
    server.gapOnStale = true;
    const report = await engine.sync();
    expect(report.gaps).toBe(1);
    expect(server.applied.map((a) => a.seq)).toEqual([3]);
    expect(await db.outbox.count()).toBe(0);
  });

  it("keeps a refused change with its reason and never resends it", async () => {
    const { db, server, deps, engine } = await setup();
    const c = await captureCustomer(db, deps, sarah);
    server.rejectNames.add("consent.record");
    await recordConsent(db, deps, c, {
      channel: "sms",
      action: "granted",
      text: "made up",
      textVersion: 9,
      locale: "en",
    });
    const report = await engine.sync();
    expect(report.rejected).toBe(1);
    expect(await db.outbox.count()).toBe(0);
    expect((await db.rejected.toArray())[0]).toMatchObject({
      name: "consent.record",
      reason: "consent text does not match what the shop published",
      customerKey: c.id,
    });
  });

  it("on reset downloads the cache again and keeps customers with unsynced changes", async () => {
    const { db, server, deps, engine } = await setup({ pushBatchSize: 1 });
    server.profiles.push({
      profileId: "srv-1",
      firstName: "Ana",
      lastName: "Ruiz",
      emails: ["ana@x.io"],
      phones: [],
      tier: "Gold",
      points: 120,
      lifecycleStage: "engaged",
      consent: { email: true, sms: false, whatsapp: false, push: false },
    });
    await engine.sync();
    await db.customers.put({ ...(await db.customers.get("srv-1"))!, id: "stale", profileId: "gone" });
    const mine = await captureCustomer(db, deps, sarah); // not pushed yet
    server.resetNextPull = true;
    const report = await engine.pullNow();
    expect(report.resets).toBe(1);
    const ids = (await db.customers.toArray()).map((c) => c.id).sort();
    expect(ids).toEqual([mine.id, "srv-1"].sort()); // "stale" is gone, the pending capture stayed
    expect(await db.outbox.count()).toBe(1);
  });

  it("syncs 2,000 queued changes exactly once in batches", async () => {
    const { db, server, deps, engine } = await setup({ pushBatchSize: 500 });
    const c = await captureCustomer(db, deps, sarah);
    for (let i = 0; i < 1999; i++) await logVisit(db, deps, c, { locationId: null });
    await engine.sync();
    expect(server.applied).toHaveLength(2000);
    expect(server.calls.filter((x) => x.endsWith("/push"))).toHaveLength(4);
    expect(await db.outbox.count()).toBe(0);
  });
});

describe("pairing carries the shop's country and time zone", () => {
  it("stores them and reads national phone numbers in the shop's country, not the tablet's", async () => {
    const { db } = await setup({ pairExtras: { defaultCountry: "GB", timeZone: "Europe/London" } });
    const device = await readDevice(db);
    expect(device).toMatchObject({ defaultCountry: "GB", timeZone: "Europe/London" });
    // A US-English tablet in a London shop: 07911 123456 is a British mobile.
    const country = phoneCountry(device, "en-US");
    expect(country).toBe("GB");
    const fields = { firstName: "", lastName: "", email: "", phone: "07911 123456", birthday: "" };
    expect(validateCapture(fields, { defaultCountry: country, today: "2026-11-25" }).input.phone).toBe("+447911123456");
  });

  it("falls back to the tablet's region only for a pairing made before the server sent a country", async () => {
    const { db } = await setup();
    const device = await readDevice(db);
    expect(device?.defaultCountry).toBeUndefined();
    expect(phoneCountry(device, "fr-FR")).toBe("FR");
    expect(phoneCountry(device, "en")).toBe("US");
    expect(phoneCountry({ defaultCountry: "de" }, "fr-FR")).toBe("DE");
  });
});

describe("the shop's consent texts", () => {
  it("keeps the defaults, with no error, while the server has no consent-texts route", async () => {
    const { db, engine } = await setup();
    const report = await engine.sync();
    expect(report.error).toBeNull();
    expect((await readSyncStatus(db)).lastError).toBeNull();
    expect((await consentTextsFor(db)).sms).toMatchObject({ version: 1, text: expect.stringContaining("Reply STOP") });
  });

  it("caches the shop's published text at sync and keeps it when a later answer is 404", async () => {
    const { db, server, engine } = await setup();
    const sms = {
      channel: "sms" as const,
      locale: "en",
      version: 2,
      text: "Texts from Corner Shop, 2 a month. Reply STOP to end.",
    };
    server.consentTexts = [sms];
    await engine.sync();
    expect((await consentTextsFor(db)).sms).toEqual(sms);
    expect((await consentTextsFor(db)).email.version).toBe(1); // channels the shop did not publish keep the default
    server.consentTexts = null;
    expect((await engine.sync({ force: true })).error).toBeNull();
    expect((await consentTextsFor(db)).sms).toEqual(sms);
  });
});
