import { readCustomerRecord, type CustomerRecord } from "@c360/shared";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import type { Queryable } from "../../../db/client";
import { queryRows } from "../../../db/rows";
import { generateShop } from "../../../seed/generate";
import { dbLabel, SHOP_A, startTestServer, type TestServer } from "../../../test-support/harness";
import { customerPayload, orderPayload } from "../../../test-support/payloads";
import { CustomerExportError } from "./customer-export";
import { runIdentityBackfill, runIdentityBackfillFromLines } from "./identity-backfill";

/** Everything identity resolution decides about a shop, independent of profile IDs. */
async function identityState(q: Queryable) {
  const identifiers = await queryRows<{ profile_id: string; kind: string; value: string }>(
    q,
    sql`SELECT profile_id, kind, value FROM identifiers WHERE shop_id = ${SHOP_A}`,
  );
  const keysOf = new Map<string, string[]>();
  for (const i of identifiers) keysOf.set(i.profile_id, [...(keysOf.get(i.profile_id) ?? []), `${i.kind}:${i.value}`]);
  const name = (id: string | null) => (id === null ? "?" : (keysOf.get(id)?.sort().join(" ") ?? `(no identifiers)`));
  const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

  const profiles = await queryRows<Record<string, string | number | Date | null>>(
    q,
    sql`SELECT id, status, merged_into, first_name, last_name, postcode, address1, first_seen_at, last_activity_at,
      lifecycle_stage,
               order_count, lifetime_spend, ltv_predicted_90d, next_order_at, loyalty_tier, rfm_r, churn_risk
        FROM profiles WHERE shop_id = ${SHOP_A}`,
  );
  const active = profiles
    .filter((p) => p.status === "active")
    .map(({ id, status: _s, merged_into: _m, first_seen_at, last_activity_at, next_order_at, ...rest }) => ({
      profile: name(id as string),
      ...rest,
      lifetime_spend: Number(rest.lifetime_spend),
      ltv_predicted_90d: Number(rest.ltv_predicted_90d),
      first_seen_at: iso(first_seen_at as Date),
      last_activity_at: iso(last_activity_at as Date),
      next_order_at: iso(next_order_at as Date),
    }))
    .sort((a, b) => a.profile.localeCompare(b.profile));
  const merged = profiles
    .filter((p) => p.status === "merged")
    .map((p) => name(p.merged_into as string))
    .sort();

  const candidates = (
    await queryRows<{ profile_id: string; other_profile_id: string; reason: string }>(
      q,
      sql`SELECT profile_id, other_profile_id, reason FROM merge_candidates WHERE shop_id = ${SHOP_A}`,
    )
  )
    .map((c) => [name(c.profile_id), name(c.other_profile_id)].sort().join(" | ") + ` : ${c.reason}`)
    .sort();
  const events = (
    await queryRows<{ id: string; profile_id: string }>(
      q,
      sql`SELECT id, profile_id FROM identity_events WHERE shop_id = ${SHOP_A}`,
    )
  )
    // identify events carry a random ID
    .map((e) => `${e.id.replace(/^identify:.*/, "identify")} -> ${name(e.profile_id)}`)
    .sort();
  const merges = (
    await queryRows<{ survivor_id: string }>(q, sql`SELECT survivor_id FROM merges WHERE shop_id = ${SHOP_A}`)
  )
    .map((m) => name(m.survivor_id))
    .sort();
  const [feed] = await queryRows<{ missing: number | string }>(
    q,
    sql`SELECT count(*) AS missing FROM profiles p WHERE p.shop_id = ${SHOP_A}
          AND NOT EXISTS (SELECT 1 FROM profile_changes c WHERE c.shop_id = p.shop_id AND c.profile_id = p.id)`,
  );
  return { active, merged, candidates, events, merges, profilesMissingFromChangeFeed: Number(feed!.missing) };
}

async function tableCounts(q: Queryable) {
  const [row] = await queryRows<Record<string, number | string>>(
    q,
    sql`SELECT (SELECT count(*) FROM profiles) AS profiles, (SELECT count(*) FROM identifiers) AS identifiers,
               (SELECT count(*) FROM identity_events) AS events, (SELECT count(*) FROM merge_candidates) AS candidates,
               (SELECT count(*) FROM merges) AS merges, (SELECT count(*) FROM profile_changes) AS changes,
               (SELECT change_version FROM shops WHERE shop_id = ${SHOP_A}) AS version`,
  );
  return Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)]));
}

const record = (payload: unknown): CustomerRecord => {
  const read = readCustomerRecord(payload);
  if (!read.ok) throw new Error(read.issues.join("; "));
  return read.customer;
};

/**
 * A generated shop's customers, plus 3% who share an email or a phone with another, a second version of one, and junk.
 */
function customersWithDuplicates(count: number): Record<string, unknown>[] {
  const customers = generateShop({ customers: count, seed: 11 })
    .events.filter((e) => e.topic === "customers/create")
    .map((e) => e.payload as Record<string, unknown>);
  const shared = Array.from({ length: Math.ceil(count * 0.03) }, (_, n) => {
    const other = customers[(n * 37) % count]!;
    const byEmail = n % 2 === 0;
    return {
      ...customerPayload({ id: 900_000 + n, firstName: `Dup${n}`, updatedAt: "2026-10-01T09:00:00Z" }),
      email: byEmail ? other.email : `dup${n}@elsewhere.org`,
      phone: byEmail ? null : (other.phone ?? "+14155550199"),
    };
  });
  const first = customers[0]!;
  return [
    ...customers.slice(0, count / 2),
    ...shared,
    {
      ...first,
      first_name: "Renamed",
      last_name: null,
      updated_at: "2026-11-20T08:00:00Z",
      default_address: { zip: "99999", address1: null },
    },
    customerPayload({ id: 990_001, email: "test@test.com", phone: "0000000000", firstName: "Walk", lastName: "In" }),
    ...customers.slice(count / 2),
  ];
}

describe(`identity backfill (${dbLabel()})`, () => {
  const servers: TestServer[] = [];
  const server = async () => {
    const t = await startTestServer();
    servers.push(t);
    return t;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((t) => t.close()));
  });

  const viaWebhooks = async (t: TestServer, payloads: unknown[]) => {
    for (const payload of payloads) expect((await t.webhook("customers/create", payload)).status).toBe(200);
    await t.drain();
  };
  const viaBackfill = (t: TestServer, payloads: unknown[], chunkSize = 1_000) =>
    runIdentityBackfill(t.runtime.db, SHOP_A, payloads.map(record), { clock: t.clock, chunkSize });

  it("gives a shop with 3% duplicates its webhooks' profiles, in chunks; a second run changes nothing", async () => {
    const payloads = customersWithDuplicates(200);
    const [backfilled, replayed] = [await server(), await server()];
    const counts = await viaBackfill(backfilled, payloads, 70);
    await viaWebhooks(replayed, payloads);

    const expected = await identityState(replayed.runtime.db.db);
    const state = await identityState(backfilled.runtime.db.db);
    expect(state).toEqual(expected);
    expect(state.profilesMissingFromChangeFeed).toBe(0);
    // 200 customers, 6 more who share an email or phone (each its own profile,
    // most with a candidate) and a walk-in with junk contacts.
    expect(counts).toEqual({
      customers: payloads.length,
      profilesCreated: 207,
      identifiersAttached: expect.any(Number),
      merged: 0,
      candidates: state.candidates.length,
      erasedHeldBack: 0,
    });
    expect(state.active).toHaveLength(207);
    expect(state.candidates.length).toBeGreaterThanOrEqual(5);
    expect(state.candidates.every((c) => c.includes("Not merged: both have a Shopify customer ID"))).toBe(true);
    expect(state.active.find((p) => p.profile === "shopify:990001")).toMatchObject({
      first_name: "Walk",
      last_name: "In",
    });
    const [{ n }] = (await queryRows<{ n: string }>(
      backfilled.runtime.db.db,
      sql`SELECT count(*) AS n FROM identifiers`,
    )) as [{ n: string }];
    expect(counts.identifiersAttached).toBe(Number(n));

    const before = await tableCounts(backfilled.runtime.db.db);
    expect(await viaBackfill(backfilled, payloads)).toEqual({
      customers: payloads.length,
      profilesCreated: 0,
      identifiersAttached: 0,
      merged: 0,
      candidates: 0,
      erasedHeldBack: 0,
    });
    expect(await tableCounts(backfilled.runtime.db.db)).toEqual(before);
  });

  it("links to, merges and proposes candidates with profiles the shop already had, as its webhooks would", async () => {
    const history = async (t: TestServer) => {
      const identify = async (identifiers: Record<string, string>) => {
        expect((await t.api("POST", "/api/identify", { body: { identifiers } })).status).toBe(200);
        t.clock.advanceDays(0.01);
      };
      await identify({ email: "walkin@home.net" });
      await identify({ email: "ann@home.net" });
      await identify({ phone: "(415) 555-0142" });
      await identify({ email: "tom@home.net", deviceId: "tablet-9" });
      await viaWebhooks(t, [customerPayload({ id: 501, phone: "(415) 555-0177", firstName: "Bo", lastName: "Hart" })]);
      await t.webhook(
        "orders/create",
        orderPayload({ id: 1, email: "walkin@home.net", total: "40.00", createdAt: "2026-11-10T10:00:00Z" }),
      );
      await t.drain();
      t.clock.advanceDays(0.01);
    };
    const payloads = [
      // links to the walk-in who ordered: their order stays, the Shopify ID joins
      customerPayload({ id: 601, email: "walkin@home.net", firstName: "Wendy", lastName: "Walker" }),
      // ties Ann's email profile and the phone-only profile together: a merge of two stored profiles
      {
        ...customerPayload({ id: 602, email: "ann@home.net", phone: "415-555-0142", firstName: "Ann" }),
        default_address: { zip: "94110", address1: "1 Elm St" },
      },
      // a second Shopify customer on Bo's phone: kept apart, with a candidate
      customerPayload({ id: 603, email: "kim@home.net", phone: "+1 415 555 0177", firstName: "Kim" }),
      // new in this export, then tied to Tom's stored profile by a later version: merged in memory
      customerPayload({ id: 604, phone: "415 555 0190", firstName: "Tom", updatedAt: "2026-11-02T10:00:00Z" }),
      {
        ...customerPayload({
          id: 604,
          email: "tom@home.net",
          phone: "415 555 0190",
          lastName: "Stone",
          updatedAt: "2026-11-03T10:00:00Z",
        }),
        first_name: null,
      },
      customerPayload({ id: 605, email: "new@home.net" }),
    ];
    const [backfilled, replayed] = [await server(), await server()];
    await history(backfilled);
    await history(replayed);
    const counts = await viaBackfill(backfilled, payloads);
    await viaWebhooks(replayed, payloads);

    const state = await identityState(backfilled.runtime.db.db);
    expect(state).toEqual(await identityState(replayed.runtime.db.db));
    expect(counts).toEqual({
      customers: 6,
      profilesCreated: 3,
      identifiersAttached: 8,
      merged: 2,
      candidates: 1,
      erasedHeldBack: 0,
    });
    expect(state.merges).toEqual([
      "device:tablet-9 email:tom@home.net phone:+14155550190 shopify:604",
      "email:ann@home.net phone:+14155550142 shopify:602",
    ]);
    const walker = state.active.find((p) => p.profile.includes("walkin@home.net"))!;
    expect(walker).toMatchObject({
      profile: "email:walkin@home.net shopify:601",
      first_name: "Wendy",
      order_count: 1,
      lifecycle_stage: "converted",
    });
    expect(state.active.find((p) => p.profile.includes("tom@home.net"))).toMatchObject({
      first_name: "Tom",
      last_name: "Stone",
    });
  });

  it("normalises a chunk again under the lock when the shop's junk list changed while it was read ahead", async () => {
    const t = await server();
    const db = t.runtime.db;
    const customers = async function* () {
      yield record(customerPayload({ id: 1, email: "ann@shop.io" }));
      // Chunk 2 has been read ahead with the old settings by now; the merchant adds the till's domain to the junk list.
      await db.db.execute(
        sql`UPDATE shops SET settings = ${JSON.stringify({ junkIdentifiers: ["@shop.io"] })}::jsonb
          WHERE shop_id = ${SHOP_A}`,
      );
      yield record(customerPayload({ id: 2, email: "bo@shop.io" }));
    };
    expect(await runIdentityBackfill(db, SHOP_A, customers(), { clock: t.clock, chunkSize: 1 })).toMatchObject({
      customers: 2,
      profilesCreated: 2,
      identifiersAttached: 3,
    });
    const emails = await queryRows<{ value: string }>(db.db, sql`SELECT value FROM identifiers WHERE kind = 'email'`);
    expect(emails.map((e) => e.value)).toEqual(["ann@shop.io"]);
  });

  it("reads an export's lines in worker threads to its records' profiles; a second run changes nothing", async () => {
    const payloads = customersWithDuplicates(200);
    const lines = payloads.map((p) => JSON.stringify(p));
    lines.splice(3, 0, "", "  "); // blank lines are skipped, as the CLI's reader skips them
    const [fromLines, fromRecords] = [await server(), await server()];
    const fromLinesRun = (readers: number) =>
      runIdentityBackfillFromLines(fromLines.runtime.db, SHOP_A, lines, {
        clock: fromLines.clock,
        chunkSize: 70,
        readers,
      });
    const counts = await fromLinesRun(2);
    expect(counts).toEqual(await viaBackfill(fromRecords, payloads, 70));
    expect(counts.customers).toBe(payloads.length);
    expect(await identityState(fromLines.runtime.db.db)).toEqual(await identityState(fromRecords.runtime.db.db));

    const before = await tableCounts(fromLines.runtime.db.db);
    expect(await fromLinesRun(1)).toMatchObject({ customers: payloads.length, profilesCreated: 0, candidates: 0 });
    expect(await tableCounts(fromLines.runtime.db.db)).toEqual(before);
  });

  it("names the first bad line of an export read in worker threads; the chunks before it stay written", async () => {
    const t = await server();
    const good = (id: number) => JSON.stringify(customerPayload({ id, email: `c${id}@home.net` }));
    const lines = [good(1), good(2), good(3), "", '{"id": 4, "email": 5}', good(6), "{not json"];
    const run = runIdentityBackfillFromLines(t.runtime.db, SHOP_A, lines, { clock: t.clock, chunkSize: 2 });
    const refused = await run.catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CustomerExportError);
    expect(refused).toEqual(
      new CustomerExportError(
        "line 5",
        "not a Shopify customer record (email: Invalid input: expected string, received number)",
      ),
    );
    const stored = await queryRows<{ value: string }>(
      t.runtime.db.db,
      sql`SELECT value FROM identifiers WHERE shop_id = ${SHOP_A} AND kind = 'shopify' ORDER BY value`,
    );
    expect(stored.map((r) => r.value)).toEqual(["1", "2"]);
  });
});
