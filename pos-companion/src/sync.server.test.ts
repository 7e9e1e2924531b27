/** The engine against the real server (in-process Hono app on PGlite): the contract as implemented, not as faked. */
import { startTestServer, type TestServer } from "@c360/server/test-support/harness";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ServerTransport } from "./api";
import { captureCustomer, logVisit, recordConsent } from "./outbox";
import { pair, SyncEngine } from "./sync";
import { freshDb } from "./test-support/setup";

const SHOP = "shop-a.myshopify.com";
const sarah = {
  firstName: "Sarah",
  lastName: "Lopez",
  email: "sarah.lopez@gmail.com",
  phone: "+14155550142",
  birthday: "1990-04-12",
};
const SMS_TEXT =
  "Yes, I'd like to receive marketing text messages from this store at the mobile number I gave. " +
  "Message frequency varies. Message and data rates may apply. Consent is not a condition of purchase. " +
  "Reply STOP to unsubscribe at any time.";

let t: TestServer;
beforeEach(async () => void (t = await startTestServer()), 60_000);
afterEach(async () => t.close());

async function pairedTablet(transport?: ServerTransport) {
  const db = freshDb();
  const base: ServerTransport = {
    baseUrl: "http://localhost",
    fetch: (url, init) => Promise.resolve(t.runtime.app.request(url, init)),
  };
  const deps = {
    db,
    transport: transport ?? base,
    now: () => t.clock(),
    uuid: () => crypto.randomUUID(),
    sleep: async () => {},
    random: () => 0.5,
  };
  const { code } = await (await t.api("POST", "/api/devices/pairing-codes", { body: {} })).json();
  await pair({ ...deps, transport: base }, code, "Test tablet");
  return { db, deps, engine: new SyncEngine(deps) };
}

const rows = async <T>(q: ReturnType<typeof sql>): Promise<T[]> => {
  const res = (await (t.runtime.db.db as unknown as { execute(q: unknown): Promise<{ rows?: T[] } | T[]> }).execute(
    q,
  )) as { rows?: T[] } | T[];
  return Array.isArray(res) ? res : (res.rows ?? []);
};
const count = async (q: ReturnType<typeof sql>) => Number((await rows<{ n: string | number }>(q))[0]!.n);

describe("sync engine against the server", () => {
  it("a customer captured offline, their consent and a visit arrive once, and come back in the pull", async () => {
    const { db, deps, engine } = await pairedTablet();
    const c = await captureCustomer(db, deps, sarah);
    await recordConsent(db, deps, c, {
      channel: "sms",
      action: "granted",
      text: SMS_TEXT,
      textVersion: 1,
      locale: "en",
    });
    await logVisit(db, deps, c, { locationId: null });
    const report = await engine.sync({ force: true });
    expect(report.error).toBeNull();
    expect(report).toMatchObject({ pushed: 3, rejected: 0 });
    expect(await db.outbox.count()).toBe(0);
    const local = (await db.customers.get(c.id))!;
    expect(local.profileId).toBeTruthy();
    expect(local.consent.sms).toBe(true);
    expect(
      await count(
        sql`SELECT count(*) AS n FROM consents WHERE shop_id = ${SHOP} AND profile_id = ${local.profileId}
          AND channel = 'sms'`,
      ),
    ).toBe(1);
    await engine.sync({ force: true });
    expect(await count(sql`SELECT count(*) AS n FROM sync_mutations WHERE shop_id = ${SHOP}`)).toBe(3);
    expect(
      await count(
        sql`SELECT count(*) AS n FROM identifiers WHERE shop_id = ${SHOP} AND value = 'sarah.lopez@gmail.com'`,
      ),
    ).toBe(1);
  }, 60_000);

  it("an invalid email is shown on the customer as a field the server did not keep; nothing stays queued", async () => {
    const { db, deps, engine } = await pairedTablet();
    const c = await captureCustomer(db, deps, { ...sarah, email: "sarah@@gmail" });
    const report = await engine.sync({ force: true });
    expect(report).toMatchObject({ error: null, pushed: 1, rejected: 0 });
    expect(await db.outbox.count()).toBe(0);
    expect(await db.rejected.toArray()).toEqual([
      expect.objectContaining({
        customerKey: c.id,
        field: "email",
        name: "customer.capture",
        reason: expect.stringMatching(/^the email is not a valid email address/),
      }),
    ]);
    expect((await db.customers.get(c.id))!.profileId).toBeTruthy();
  }, 60_000);

  it("a change a server refuses with 400 for the whole batch is set aside; the changes around it arrive", async () => {
    // Stands in for a server that fails a whole push on one bad row (as NUL did before issue #17).
    const transport: ServerTransport = {
      baseUrl: "http://localhost",
      fetch: async (url, init) =>
        String(init?.body ?? "").includes("Poison")
          ? new Response(JSON.stringify({ error: "invalid_value", message: "a value cannot be stored" }), {
              status: 400,
            })
          : t.runtime.app.request(url, init),
    };
    const { db, deps, engine } = await pairedTablet(transport);
    const before = await captureCustomer(db, deps, { ...sarah, email: "first@gmail.com" });
    const poison = await captureCustomer(db, deps, { ...sarah, firstName: "Poison", email: "poison@gmail.com" });
    const after = await captureCustomer(db, deps, { ...sarah, email: "after@gmail.com", phone: "+14155550143" });
    const report = await engine.sync({ force: true });
    expect(report.error).toBeNull();
    expect(report.rejected).toBe(1);
    expect(await db.outbox.count()).toBe(0);
    expect((await db.rejected.toArray()).map((r) => [r.customerKey, r.reason])).toEqual([
      [poison.id, "a value cannot be stored"],
    ]);
    expect((await db.customers.get(before.id))!.profileId).toBeTruthy();
    expect((await db.customers.get(after.id))!.profileId).toBeTruthy();
    expect(
      await count(
        sql`SELECT count(*) AS n FROM identifiers WHERE shop_id = ${SHOP}
          AND value IN ('first@gmail.com', 'after@gmail.com')`,
      ),
    ).toBe(2);
  }, 60_000);

  it("a lost push answer is resent and applied once", async () => {
    let lose = true;
    const transport: ServerTransport = {
      baseUrl: "http://localhost",
      fetch: async (url, init) => {
        const res = await t.runtime.app.request(url, init);
        if (lose && url.endsWith("/api/sync/push")) {
          lose = false;
          throw new TypeError("network dropped after the server answered");
        }
        return res;
      },
    };
    const { db, deps, engine } = await pairedTablet(transport);
    const c = await captureCustomer(db, deps, sarah);
    await recordConsent(db, deps, c, {
      channel: "sms",
      action: "granted",
      text: SMS_TEXT,
      textVersion: 1,
      locale: "en",
    });
    const report = await engine.sync({ force: true });
    expect(report.error).toBeNull();
    expect(await db.outbox.count()).toBe(0);
    expect(await count(sql`SELECT count(*) AS n FROM sync_mutations WHERE shop_id = ${SHOP}`)).toBe(2);
    expect(await count(sql`SELECT count(*) AS n FROM consents WHERE shop_id = ${SHOP}`)).toBe(1);
    // The resend is "skipped", which names no profile; the pull still ties the capture to its profile.
    expect((await db.customers.get(c.id))!.profileId).toBeTruthy();
    expect(await db.customers.count()).toBe(1);
  }, 60_000);

  it("a 409 gap makes the tablet resend from the seq the server expects", async () => {
    const { db, deps, engine } = await pairedTablet();
    const c = await captureCustomer(db, deps, sarah);
    await engine.sync({ force: true });
    await db.meta.put({ key: "nextSeq", value: 10 }); // as if seq 2..9 were lost with a restored backup
    await logVisit(db, deps, c, { locationId: null });
    const report = await engine.sync({ force: true });
    expect(report.gaps).toBe(1);
    expect(report.error).toBeNull();
    expect(await db.outbox.count()).toBe(0);
    const seqs = await rows<{ seq: number | string }>(
      sql`SELECT seq FROM sync_mutations WHERE shop_id = ${SHOP} ORDER BY seq`,
    );
    expect(seqs.map((r) => Number(r.seq))).toEqual([1, 2]);
  }, 60_000);
});
