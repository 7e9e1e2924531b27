import { febrlCustomer, isoBirthday, readFebrl, type FebrlRecord } from "@c360/shared/identity/match/testing/febrl";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../../../db/rows";
import { dbLabel, startTestServer, type TestServer } from "../../../test-support/harness";

const SHOP = "arrivals.myshopify.com";
const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
/** Two neighbouring letters swapped: the typo a clerk or a customer makes. */
const transposed = (s: string) => s[0]! + s[2]! + s[1]! + s.slice(3);

/**
 * The three places customers arrive besides the whole-shop pass (a webhook batch, a tablet's sync push,
 * a backfill) each propose the new customer's duplicate, scored with the model the shop learned, and
 * propose nothing about people they did not touch.
 */
describe(`duplicates proposed on arrival (${dbLabel()})`, () => {
  let t: TestServer;
  let records: FebrlRecord[];
  const db = () => t.runtime.db.db;
  const profileOf = async (kind: string, value: string) => {
    const [row] = await queryRows<{ profile_id: string }>(
      db(),
      sql`SELECT profile_id FROM identifiers WHERE shop_id = ${SHOP} AND kind = ${kind} AND value = ${value}`,
    );
    return row?.profile_id;
  };
  const candidates = async () =>
    (
      await queryRows<{ a: string; b: string; kind: string }>(
        db(),
        sql`SELECT profile_id AS a, other_profile_id AS b, kind FROM merge_candidates WHERE shop_id = ${SHOP}`,
      )
    ).map((c) => ({ pair: pairKey(c.a, c.b), a: c.a, b: c.b, kind: c.kind }));
  /** What one arrival added to the queue. */
  const added = async (arrive: () => Promise<void>) => {
    const before = new Set((await candidates()).map((c) => c.pair));
    await arrive();
    return (await candidates()).filter((c) => !before.has(c.pair));
  };
  // Originals with every field the model weighs, so one typo leaves plenty of evidence.
  const complete = () =>
    records.filter(
      (r) => r.recId.endsWith("-org") && r.givenName.length > 3 && r.surname.length > 3 && r.postcode && r.dateOfBirth,
    );

  beforeAll(async () => {
    t = await startTestServer();
    records = readFebrl("dataset1");
    // The shop's customers arrive by backfill first: the whole-shop pass learns the shop's model from them.
    const customers = records.map((r, n) => febrlCustomer(r, 1000 + n));
    const res = await t.api("POST", "/api/identity/backfill", { body: JSON.stringify(customers), shop: SHOP });
    expect(res.status).toBe(200);
    const [model] = await queryRows<{ n: number }>(
      db(),
      sql`SELECT count(*)::int AS n FROM match_models WHERE shop_id = ${SHOP}`,
    );
    expect(model?.n).toBe(1);
  }, 240_000);
  afterAll(async () => t.close());

  const shopifyIdOf = (r: FebrlRecord) => String(1000 + records.indexOf(r));

  it("a webhook batch proposes the arriving customer with the customer they duplicate", async () => {
    const original = complete()[0]!;
    const twin = { ...febrlCustomer(original, 90_001), last_name: transposed(original.surname) };
    const proposed = await added(async () => {
      expect((await t.webhook("customers/create", twin, { shop: SHOP })).status).toBe(200);
      await t.drain();
    });
    const arrived = await profileOf("shopify", "90001");
    const theirs = await profileOf("shopify", shopifyIdOf(original));
    expect(arrived).toBeDefined();
    expect(proposed.map((c) => c.pair)).toContain(pairKey(arrived!, theirs!));
    for (const c of proposed) {
      expect(c.kind).toBe("probabilistic");
      expect([c.a, c.b]).toContain(arrived);
    }
  });

  it("a tablet's sync push proposes the customer captured in store with their online record", async () => {
    const original = complete()[1]!;
    const { code } = await (await t.api("POST", "/api/devices/pairing-codes", { body: {}, shop: SHOP })).json();
    const paired = await t.api("POST", "/api/sync/pair", { token: null, body: { code, deviceName: "Front desk" } });
    const { token } = await paired.json();
    const email = `walk.in.${original.recId}@mailbox.org`;
    const proposed = await added(async () => {
      const res = await t.api("POST", "/api/sync/push", {
        token,
        body: {
          clientId: "front-desk",
          mutations: [
            {
              seq: 1,
              id: crypto.randomUUID(),
              name: "customer.capture",
              args: {
                localId: crypto.randomUUID(),
                firstName: original.givenName,
                lastName: original.surname,
                email,
                birthday: isoBirthday(original),
              },
              createdAt: "2026-11-25T10:00:00Z",
            },
          ],
        },
      });
      expect(res.status).toBe(200);
      expect((await res.json()).applied).toHaveLength(1);
    });
    const captured = await profileOf("email", email);
    const theirs = await profileOf("shopify", shopifyIdOf(original));
    expect(captured).toBeDefined();
    expect(proposed.map((c) => c.pair)).toContain(pairKey(captured!, theirs!));
    for (const c of proposed) expect([c.a, c.b]).toContain(captured);
  });

  it("a backfill into a shop that has its model proposes the new customer's duplicate", async () => {
    const original = complete()[2]!;
    const postcode = original.postcode.slice(0, -1) + String((Number(original.postcode.at(-1)) + 1) % 10);
    const base = febrlCustomer(original, 90_002);
    const twin = {
      ...base,
      first_name: transposed(original.givenName),
      default_address: { ...base.default_address, zip: postcode },
    };
    const proposed = await added(async () => {
      const res = await t.api("POST", "/api/identity/backfill", { body: JSON.stringify([twin]), shop: SHOP });
      expect(res.status).toBe(200);
    });
    const arrived = await profileOf("shopify", "90002");
    const theirs = await profileOf("shopify", shopifyIdOf(original));
    expect(proposed.map((c) => c.pair)).toContain(pairKey(arrived!, theirs!));
    for (const c of proposed) expect([c.a, c.b]).toContain(arrived);
  });
});
