import { consentCaptureSchema } from "@c360/shared";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { HttpError } from "../http/errors";
import { recordConsents } from "../services/consent";
import { loadShop } from "../services/shop";
import { capture, createCustomer } from "../test-support/consent-fixtures";
import { dbLabel, SHOP_A, startTestServer, type TestServer } from "../test-support/harness";

/** The consent service as a caller that asks for a phone records grants (`requirePhone`). */
async function record(t: TestServer, captures: Array<Record<string, unknown>>) {
  const parsed = captures.map((c) => consentCaptureSchema.parse(c));
  const receivedAt = t.clock();
  return t.runtime.db.db.transaction(async (tx) => {
    const shop = await loadShop(tx, SHOP_A, { lock: true });
    const ctx = { source: null, deviceId: null, locationId: null, staffId: null, receivedAt, requirePhone: true };
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

  it("refuses an SMS or WhatsApp grant for a profile without a phone, naming the field, and writes nothing", async () => {
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
    const body = { ...capture(noPhone, "sms"), profileId: undefined, shopifyCustomerId: "601", phone: "(415) 555-0177" };
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
