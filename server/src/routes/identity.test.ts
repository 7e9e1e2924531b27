import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { queryRows } from "../db/rows";
import { dbLabel, startTestServer, type TestServer } from "../test-support/harness";
import { customerPayload, orderPayload } from "../test-support/payloads";

const PHONE = "(650) 253-0000";

describe(`identity API (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  const identify = async (body: unknown, status = 200) => {
    const res = await t.api("POST", "/api/identify", { body });
    expect(res.status).toBe(status);
    return res.json();
  };
  const profile = async (id: string) => (await t.api("GET", `/api/profiles/${id}`)).json();
  const later = () => t.clock.advanceDays(0.01);
  const duplicates = async () =>
    (await (await t.api("GET", "/api/duplicates")).json()).duplicates as {
      id: string;
      kind: string;
      reason: string;
      profiles: { profileId: string }[];
    }[];

  it("tells Sarah's story: two devices, two emails, one phone and her order become one explained profile", async () => {
    const deviceA = await identify({ identifiers: { deviceId: "dev-A", email: " Sarah@Work.com " } });
    expect(deviceA.decision).toBe("create");
    later();
    const deviceB = await identify({ identifiers: { deviceId: "dev-B" } });
    expect(deviceB.decision).toBe("create");
    expect(deviceB.profileId).not.toBe(deviceA.profileId);
    later();
    expect(await identify({ identifiers: { deviceId: "dev-B", email: "sarah.m@gmail.com" } })).toMatchObject({
      decision: "link",
      profileId: deviceB.profileId,
    });
    await t.webhook(
      "orders/create",
      orderPayload({ id: 1, customerId: 501, email: "sarah.m@gmail.com", total: "80.00" }),
    );
    await t.drain();
    later();
    expect(
      await identify({ identifiers: { phone: PHONE, email: "sarah.m@gmail.com" }, source: "capture" }),
    ).toMatchObject({ profileId: deviceB.profileId });
    later();
    const joined = await identify({ identifiers: { email: "sarah@work.com", phone: PHONE }, source: "capture" });
    expect(joined).toMatchObject({ decision: "merge", profileId: deviceA.profileId, mergedAway: [deviceB.profileId] });

    const sarah = await profile(deviceA.profileId);
    expect([...sarah.emails].sort()).toEqual(["sarah.m@gmail.com", "sarah@work.com"]);
    expect(sarah.phones).toEqual(["+16502530000"]);
    expect(
      sarah.identifiers
        .filter((i: { kind: string }) => i.kind === "device")
        .map((i: { value: string }) => i.value)
        .sort(),
    ).toEqual(["dev-A", "dev-B"]);
    expect(sarah.shopifyCustomerId).toBe("501");
    expect(sarah.orderCount).toBe(1);
    expect(sarah.lifetimeSpend).toBe(80);
    const gone = await t.api("GET", `/api/profiles/${deviceB.profileId}`);
    expect(gone.status).toBe(301);

    const explain = await (await t.api("GET", `/api/profiles/${deviceA.profileId}/explain`)).json();
    const text = explain.explanation.join(" ");
    expect(text).toContain("sarah@work.com was seen with device dev-A in an online session");
    expect(text).toContain("sarah.m@gmail.com was seen with device dev-B");
    expect(text).toContain("Shopify customer 501 was seen with sarah.m@gmail.com in an order");
    expect(text).toMatch(
      /Merged automatically on \d{4}-\d{2}-\d{2} because sarah@work\.com and phone \+16502530000 were seen together/,
    );
    const followed = await t.api("GET", `/api/profiles/${deviceB.profileId}/explain`);
    expect(followed.status).toBe(301);
  });

  it("keeps two Shopify customers on one household phone apart, with a candidate a person cannot force", async () => {
    await t.webhook(
      "customers/create",
      customerPayload({ id: 601, email: "dad@home.net", phone: PHONE, firstName: "Tom" }),
    );
    await t.webhook(
      "customers/create",
      customerPayload({ id: 602, email: "mum@home.net", phone: PHONE, firstName: "Ann" }),
    );
    await t.drain();
    const dad = await (await t.api("GET", "/api/profiles/by-shopify-customer/601")).json();
    const mum = await (await t.api("GET", "/api/profiles/by-shopify-customer/602")).json();
    expect(dad.profileId).not.toBe(mum.profileId);
    const [candidate, ...rest] = await duplicates();
    expect(rest).toHaveLength(0);
    expect(candidate).toMatchObject({ kind: "conflict" });
    expect(candidate!.reason).toMatch(/Not merged: both have a Shopify customer ID/);
    expect(candidate!.profiles.map((p) => p.profileId).sort()).toEqual([dad.profileId, mum.profileId].sort());

    const forced = await t.api("POST", `/api/duplicates/${candidate!.id}/merge`);
    expect(forced.status).toBe(409);
    expect(await forced.json()).toMatchObject({
      error: "identity_limit",
      message: expect.stringMatching(/both have a Shopify customer ID/),
    });
    expect(Number((await queryRows<{ n: string }>(t.runtime.db.db, sql`SELECT count(*) AS n FROM merges`))[0]!.n)).toBe(
      0,
    );

    const dismissed = await t.api("POST", `/api/duplicates/${candidate!.id}/dismiss`);
    expect(dismissed.status).toBe(200);
    expect(await duplicates()).toHaveLength(0);
    expect((await t.api("POST", `/api/duplicates/${candidate!.id}/dismiss`)).status).toBe(409);
  });

  it("does not join two people who each signed in with their own email on one shared device", async () => {
    const mum = await identify({ identifiers: { email: "mum@home.net" } });
    later();
    const kid = await identify({ identifiers: { email: "kid@school.edu" } });
    later();
    expect(await identify({ identifiers: { deviceId: "family-pc", email: "mum@home.net" } })).toMatchObject({
      profileId: mum.profileId,
      decision: "link",
    });
    later();
    expect(await identify({ identifiers: { deviceId: "family-pc", email: "kid@school.edu" } })).toMatchObject({
      profileId: kid.profileId,
      decision: "link",
    });
    expect((await profile(mum.profileId)).emails).toEqual(["mum@home.net"]);
    expect((await profile(kid.profileId)).emails).toEqual(["kid@school.edu"]);
    expect(await duplicates()).toHaveLength(0);
  });

  it("refuses identify input it cannot use, naming what is wrong, and writes nothing", async () => {
    expect((await identify({ identifiers: { email: "n/a", phone: "000" } }, 422)).message).toMatch(
      /none of email, phone is usable/,
    );
    expect((await identify({ identifiers: { shoeSize: 9 } }, 400)).message).toMatch(/shoeSize/);
    expect((await identify({ identifiers: { email: "a@b.com" }, at: "yesterday" }, 400)).message).toMatch(/at/);
    expect(
      Number((await queryRows<{ n: string }>(t.runtime.db.db, sql`SELECT count(*) AS n FROM profiles`))[0]!.n),
    ).toBe(0);
    const first = await identify({ identifiers: { email: "a@b.com" }, eventId: "visit-1" });
    expect(await identify({ identifiers: { email: "a@b.com" }, eventId: "visit-1" })).toMatchObject({
      profileId: first.profileId,
      decision: "replay",
    });
  });

  /** Two people a scan finds alike (Liz and Elizabeth Novak, same postcode), queued as a probabilistic duplicate. */
  async function lookalikes() {
    const liz = await identify({ identifiers: { email: "liz@home.net" } });
    later();
    const elizabeth = await identify({ identifiers: { email: "elizabeth.novak@work.com" } });
    await t.webhook("orders/create", orderPayload({ id: 70, email: "liz@home.net", total: "45.00" }));
    await t.drain();
    await t.runtime.db.db.execute(
      sql`UPDATE profiles SET first_name = 'Liz', last_name = 'Novak', postcode = '10001' WHERE id = ${liz.profileId}`,
    );
    await t.runtime.db.db.execute(
      sql`UPDATE profiles SET first_name = 'Elizabeth', last_name = 'Novak', postcode = '10001'
        WHERE id = ${elizabeth.profileId}`,
    );
    const scan = await (await t.api("POST", "/api/enrichment/recompute")).json();
    expect(scan.newCandidates).toBe(1);
    const [candidate] = await duplicates();
    expect(candidate).toMatchObject({ kind: "probabilistic" });
    return { liz: liz.profileId as string, elizabeth: elizabeth.profileId as string, candidateId: candidate!.id };
  }
  const view = async (id: string) => {
    const { asOf: _asOf, ...rest } = await profile(id);
    return rest;
  };

  it("undoes a staff merge on day 6 exactly, and refuses on day 8", async () => {
    const { liz, elizabeth, candidateId } = await lookalikes();
    const before = [await view(liz), await view(elizabeth)];
    const merged = await t.api("POST", `/api/duplicates/${candidateId}/merge`, {
      token: await t.token(undefined, { staffId: "staff-42" }),
    });
    expect(merged.status).toBe(200);
    const m = await merged.json();
    expect(m).toMatchObject({ survivorId: liz, mergedId: elizabeth });
    expect((await profile(liz)).emails.sort()).toEqual(["elizabeth.novak@work.com", "liz@home.net"]);
    const [listed] = (await (await t.api("GET", `/api/merges?profileId=${elizabeth}`)).json()).merges;
    expect(listed).toMatchObject({
      id: m.mergeId,
      auto: false,
      decidedBy: "staff-42",
      undoable: true,
      undoableUntil: "2026-12-02T12:14:24.000Z",
    });
    expect((await (await t.api("GET", `/api/profiles/${liz}/explain`)).json()).explanation.join(" ")).toMatch(
      /Merged by a person on 2026-11-25: confirmed in the duplicates queue/,
    );

    t.clock.advanceDays(6);
    const undone = await t.api("POST", `/api/merges/${m.mergeId}/undo`);
    expect(undone.status).toBe(200);
    expect([await view(liz), await view(elizabeth)]).toEqual(before);
    expect((await t.api("POST", `/api/merges/${m.mergeId}/undo`)).status).toBe(409);

    const again = await (await t.api("POST", `/api/duplicates/${candidateId}/merge`)).json();
    t.clock.advanceDays(8);
    const late = await t.api("POST", `/api/merges/${again.mergeId}/undo`);
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({
      error: "undo_window_closed",
      message: expect.stringMatching(/7 days; this one is 8 days old/),
    });
    expect((await (await t.api("GET", `/api/merges?profileId=${liz}`)).json()).merges[0]).toMatchObject({
      undoable: false,
    });
  });

  it("moves an order that arrived between a merge and its undo to the profile it belongs to", async () => {
    const { liz, elizabeth, candidateId } = await lookalikes();
    const m = await (await t.api("POST", `/api/duplicates/${candidateId}/merge`)).json();
    t.clock.advanceDays(1);
    await t.webhook(
      "orders/create",
      orderPayload({ id: 71, email: "elizabeth.novak@work.com", total: "120.00", createdAt: "2026-11-26T09:00:00Z" }),
    );
    await t.drain();
    expect((await profile(liz)).orderCount).toBe(2);
    expect((await t.api("POST", `/api/merges/${m.mergeId}/undo`)).status).toBe(200);
    const [lizAfter, elizabethAfter] = [await profile(liz), await profile(elizabeth)];
    expect(lizAfter).toMatchObject({ orderCount: 1, lifetimeSpend: 45, emails: ["liz@home.net"] });
    expect(elizabethAfter).toMatchObject({ orderCount: 1, lifetimeSpend: 120, emails: ["elizabeth.novak@work.com"] });
    expect(elizabethAfter.loyalty.points).toBe(120);
  });

  it("answers unknown duplicates and merges with 404 and bad paging with 400", async () => {
    expect((await t.api("POST", "/api/duplicates/nope/merge")).status).toBe(404);
    expect((await t.api("POST", "/api/merges/nope/undo")).status).toBe(404);
    expect((await t.api("GET", "/api/duplicates?limit=0")).status).toBe(400);
  });
});
