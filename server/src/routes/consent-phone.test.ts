import { consentCaptureSchema } from "@c360/shared";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { HttpError } from "../http/errors";
import { recordConsents } from "../services/consent";
import { loadShop } from "../services/shop";
import { capture, createCustomer } from "../test-support/consent-fixtures";
import { dbLabel, SHOP_A, startTestServer, type TestServer } from "../test-support/harness";

/** The consent service as the register and the admin call it. */
async function record(t: TestServer, captures: Array<Record<string, unknown>>) {
  const parsed = captures.map((c) => consentCaptureSchema.parse(c));
  const receivedAt = t.clock();
  return t.runtime.db.db.transaction(async (tx) => {
    const shop = await loadShop(tx, SHOP_A, { lock: true });
    const ctx = { source: null, deviceId: null, locationId: null, staffId: null, receivedAt };
    return recordConsents(tx, shop, parsed, ctx);
  });
}

const consentCount = async (t: TestServer) =>
  Number((await queryRows<{ n: string }>(t.runtime.db.db, sql`SELECT count(*) AS n FROM consents`))[0]!.n);

describe(`SMS and WhatsApp consent need a phone on the profile (${dbLabel()})`, () => {
  let t: TestServer;
  let noPhone: string;
  beforeEach(async () => {
    t = await startTestServer();
    noPhone = await createCustomer(t, 601, { email: "tom@mailbox.org" });
  });
  afterEach(async () => t.close());

  it("refuses an SMS or WhatsApp grant for a profile without a phone, naming the field, writing nothing", async () => {
    for (const channel of ["sms", "whatsapp"] as const) {
      const refused = await record(t, [capture(noPhone, channel)]).catch((e: HttpError) => e);
      expect(refused).toBeInstanceOf(HttpError);
      expect(refused).toMatchObject({ status: 422, code: "phone_required" });
      expect((refused as HttpError).message).toContain('phone number: add it (field "phone")');
    }
    await expect(record(t, [capture(noPhone, "email"), capture(noPhone, "sms")])).rejects.toBeInstanceOf(HttpError);
    expect(await consentCount(t)).toBe(0);
    const given = await record(t, [{ ...capture(noPhone, "sms"), phone: "+1 415 555 0166" }]);
    expect(given.map((r) => r.status)).toEqual(["recorded"]);
  });

  it("a revocation, or a channel that needs no phone, is recorded without one", async () => {
    const results = await record(t, [capture(noPhone, "sms", { action: "revoked" }), capture(noPhone, "email")]);
    expect(results.map((r) => r.status)).toEqual(["recorded", "recorded"]);
    expect(await consentCount(t)).toBe(2);
  });

  it("a phone given with the grant is linked to the profile, and the grant recorded on it", async () => {
    const body = {
      ...capture(noPhone, "sms"),
      profileId: undefined,
      shopifyCustomerId: "601",
      phone: "(415) 555-0177",
    };
    const res = await t.api("POST", "/api/consents", { body });
    expect(res.status).toBe(201);
    expect((await res.json()).consent.profileId).toBe(noPhone);
    const view = await (await t.api("GET", "/api/pos/customers/601")).json();
    expect(view.phones).toEqual(["+14155550177"]);
    expect(view.consent.sms.granted).toBe(true);
    // The same capture again is the same act: no second row, no second link.
    expect((await t.api("POST", "/api/consents", { body })).status).toBe(200);
    expect(await consentCount(t)).toBe(1);
  });

  it("refuses a phone that is not a number, naming the field", async () => {
    const res = await t.api("POST", "/api/consents", { body: { ...capture(noPhone, "whatsapp"), phone: "call me" } });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: "invalid_phone" });
    expect(await consentCount(t)).toBe(0);
  });
});

/** Issue #20 item 4: the refusal holds on every path that records consent, and the gate follows it. */
describe(`SMS consent without a phone is refused on every path (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  async function pairedToken() {
    const { code } = await (
      await t.api("POST", "/api/devices/pairing-codes", { body: { locationId: "loc-1" } })
    ).json();
    return (await (await t.api("POST", "/api/sync/pair", { token: null, body: { code, deviceName: "Tablet" } })).json())
      .token as string;
  }
  const mutation = (seq: number, name: string, args: Record<string, unknown>) => ({
    seq,
    id: crypto.randomUUID(),
    name,
    args,
    createdAt: "2026-11-25T11:00:00Z",
  });
  const smsText = capture("x", "sms");

  it("the register and API route answers 422 phone_required naming the field, and stores nothing", async () => {
    const noPhone = await createCustomer(t, 611, { email: "ida@mailbox.org" });
    const res = await t.api("POST", "/api/consents", { body: capture(noPhone, "sms") });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.error).toBe("phone_required");
    expect(body.message).toContain('field "phone"');
    const batch = await t.api("POST", "/api/consents", {
      body: { consents: [capture(noPhone, "email"), capture(noPhone, "whatsapp")] },
    });
    expect(batch.status).toBe(422);
    expect(await consentCount(t)).toBe(0);
  });

  it("a tablet push refuses that one mutation with the reason and applies the rest of the queue", async () => {
    const token = await pairedToken();
    const noPhone = mutation(1, "customer.capture", {
      localId: crypto.randomUUID(),
      firstName: "Lea",
      email: "lea@gmail.com",
    });
    const withPhone = mutation(2, "customer.capture", {
      localId: crypto.randomUUID(),
      firstName: "Mo",
      phone: "+14155550142",
    });
    const consent = (seq: number, localId: unknown) =>
      mutation(seq, "consent.record", {
        localId,
        channel: "sms",
        action: "granted",
        textVersion: smsText.textVersion,
        text: smsText.text,
        locale: "en",
      });
    const refused = consent(3, noPhone.args.localId);
    const granted = consent(4, withPhone.args.localId);
    const visit = mutation(5, "visit.log", { localId: noPhone.args.localId, at: "2026-11-25T11:00:00Z" });
    const res = await t.api("POST", "/api/sync/push", {
      token,
      body: { clientId: "tablet-phone", mutations: [noPhone, withPhone, refused, granted, visit] },
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.applied).toEqual([noPhone.id, withPhone.id, granted.id, visit.id]);
    expect(body.rejected).toHaveLength(1);
    expect(body.rejected[0]).toMatchObject({ id: refused.id, seq: 3 });
    expect(body.rejected[0].reason).toMatch(
      /^phone_required: .*SMS consent needs the customer's phone number.*field "phone"/,
    );
    const rows = await queryRows<{ channel: string; profile_id: string }>(
      t.runtime.db.db,
      sql`SELECT channel, profile_id FROM consents`,
    );
    expect(rows).toEqual([{ channel: "sms", profile_id: body.profiles[withPhone.args.localId as string] }]);
  });

  it("the gate never allows SMS for a profile whose phone is gone, per message and for an audience", async () => {
    const profileId = await createCustomer(t, 612, { email: "jo@mailbox.org", phone: "+14155550161" });
    expect((await t.api("POST", "/api/consents", { body: capture(profileId, "sms") })).status).toBe(201);
    const check = async () =>
      (
        await t.api("POST", "/api/gate/check", { body: { profileId, channel: "sms", at: "2026-11-25T15:00:00Z" } })
      ).json();
    expect(await check()).toMatchObject({ allowed: true, reason: "ok" });
    const audience = async () =>
      (
        await t.api("POST", "/api/gate/audience", {
          body: { channel: "sms", at: "2026-11-25T15:00:00Z", profileIds: [profileId] },
        })
      ).json();
    expect((await audience()).allowed).toBe(1);
    // The number leaves the profile (the customer asked for it to be removed): the grant alone reaches no one.
    await t.runtime.db.db.execute(sql`DELETE FROM identifiers WHERE profile_id = ${profileId} AND kind = 'phone'`);
    expect(await check()).toMatchObject({ allowed: false, reason: "no_consent:sms" });
    expect((await audience()).allowed).toBe(0);
  });
});
