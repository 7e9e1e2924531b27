import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { createCustomer, grant } from "../test-support/consent-fixtures";
import { dbLabel, SHOP_A, SHOP_B, startTestServer, type TestResponse, type TestServer } from "../test-support/harness";

/** Messaging tools report per customer and channel with an API key the merchant creates and revokes. */
describe(`message engagement reports (${dbLabel()})`, () => {
  let t: TestServer;
  let sarah: string;
  beforeEach(async () => {
    t = await startTestServer();
    sarah = await createCustomer(t, 801, { email: "sarah@mailbox.org", phone: "+14155550188" });
  });
  afterEach(async () => t.close());
  const request = async (path: string, init: RequestInit): Promise<TestResponse> => t.runtime.app.request(path, init);

  const at = () => new Date(t.clock().getTime() - 60_000).toISOString();
  const newKey = async (shop = SHOP_A) => {
    const res = await t.api("POST", "/api/messaging-keys", { body: { name: "Attentive" }, shop });
    expect(res.status).toBe(201);
    return res.json() as Promise<{ id: string; key: string; name: string }>;
  };
  const report = (key: string, events: unknown[]): Promise<TestResponse> =>
    request("/messaging/events", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ events }),
    });
  const check = async (channel: string) =>
    (await t.api("POST", "/api/gate/check", { body: { profileId: sarah, channel } })).json();

  it("shows a key once, stores only its hash, and refuses it once revoked", async () => {
    const created = await newKey();
    expect(created.key).toMatch(/^c360mk_[a-f0-9]{16}\.[A-Za-z0-9_-]{43}$/);
    const listed = await (await t.api("GET", "/api/messaging-keys")).json();
    expect(listed.keys).toEqual([expect.objectContaining({ id: created.id, name: "Attentive", revokedAt: null })]);
    expect(JSON.stringify(listed)).not.toContain(created.key.split(".")[1]);
    const [stored] = await queryRows<{ secret_hash: string }>(
      t.runtime.db.db,
      sql`SELECT secret_hash FROM messaging_api_keys`,
    );
    expect(stored!.secret_hash).not.toContain(created.key.split(".")[1]!);

    const open = { id: "o-1", kind: "opened", channel: "email", at: at(), customer: { email: "sarah@mailbox.org" } };
    expect((await report(created.key, [open])).status).toBe(200);
    expect((await t.api("POST", `/api/messaging-keys/${created.id}/revoke`)).status).toBe(200);
    const refused = await report(created.key, [{ ...open, id: "o-2" }]);
    expect(refused.status).toBe(401);
    expect((await refused.json()).error).toBe("invalid_api_key");
    // a wrong secret for a live key, a made-up key and no key at all: the same 401
    const live = await newKey();
    const wrong = `${live.key.slice(0, -4)}AAAA`;
    for (const k of [wrong, "c360mk_0000000000000000.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", ""]) {
      expect((await report(k, [{ ...open, id: "o-3" }])).status).toBe(401);
    }
    // another shop cannot revoke this shop's key
    expect((await t.api("POST", `/api/messaging-keys/${live.id}/revoke`, { shop: SHOP_B })).status).toBe(404);
  });

  it("is idempotent by event id, ignores unknown customers, writes nothing for another shop's customer", async () => {
    const { key } = await newKey();
    const reply = { id: "r-1", kind: "replied", channel: "sms", at: at(), customer: { phone: "(415) 555-0188" } };
    const first = await (await report(key, [reply])).json();
    expect(first).toMatchObject({
      recorded: 1,
      duplicates: 0,
      unknownCustomers: 0,
      results: [{ id: "r-1", status: "recorded", profileId: sarah }],
    });
    const score = (await (await t.api("GET", `/api/profiles/${sarah}`)).json()).engagementScore;
    expect(score).toBeCloseTo(0.2, 6);
    const again = await (
      await report(key, [reply, { ...reply, id: "r-2", customer: { email: "stranger@nowhere.org" } }])
    ).json();
    expect(again).toMatchObject({ recorded: 0, duplicates: 1, unknownCustomers: 1 });
    expect((await (await t.api("GET", `/api/profiles/${sarah}`)).json()).engagementScore).toBeCloseTo(score, 6);
    const [{ n }] = (await queryRows<{ n: number }>(
      t.runtime.db.db,
      sql`SELECT count(*)::int AS n FROM message_events`,
    )) as [{ n: number }];
    expect(n).toBe(1);

    // Shop B's key does not reach shop A's Sarah.
    const other = await newKey(SHOP_B);
    const cross = await (await report(other.key, [{ ...reply, id: "r-3" }])).json();
    expect(cross).toMatchObject({ recorded: 0, unknownCustomers: 1 });
  });

  it("an unsubscribe is a revocation on the consent ledger: the gate blocks that channel, once", async () => {
    await grant(t, sarah, ["email", "sms"]);
    expect(await check("email")).toMatchObject({ allowed: true });
    const { key } = await newKey();
    const unsubscribe = {
      id: "u-1",
      kind: "unsubscribed",
      channel: "email",
      at: at(),
      customer: { shopifyCustomerId: "801" },
    };
    expect((await report(key, [unsubscribe])).status).toBe(200);
    expect(await check("email")).toMatchObject({ allowed: false, reason: "no_consent:email" });
    expect(await check("sms")).toMatchObject({ allowed: true });
    expect((await report(key, [unsubscribe])).status).toBe(200);
    const ledger = await (await t.api("GET", `/api/profiles/${sarah}/consents`)).json();
    const revocations = ledger.history.filter((r: { action: string; source: string }) => r.action === "revoked");
    expect(revocations).toEqual([expect.objectContaining({ channel: "email", source: "messaging" })]);
    expect((await (await t.api("GET", "/api/consents/verify")).json()).intact).toBe(true);
  });

  it("names the bad field of a refused report and writes nothing", async () => {
    const { key } = await newKey();
    const bad = await report(key, [
      { id: "b-1", kind: "opened", channel: "email", at: at(), customer: { email: "sarah@mailbox.org" } },
      { id: "b-2", kind: "bounced", channel: "email", at: at(), customer: {} },
    ]);
    expect(bad.status).toBe(400);
    const body = await bad.json();
    expect(body.message).toContain("events.1.kind");
    expect(body.message).toContain("events.1.customer");
    const [{ n }] = (await queryRows<{ n: number }>(
      t.runtime.db.db,
      sql`SELECT count(*)::int AS n FROM message_events`,
    )) as [{ n: number }];
    expect(n).toBe(0);
  });
});
