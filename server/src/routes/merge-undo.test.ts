import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Queryable } from "../db/client";
import { queryRows } from "../db/rows";
import { mergeProfiles } from "../services/identity";
import { loadShop, type ShopContext } from "../services/shop";
import { dbLabel, SHOP_A, startTestServer, type TestServer } from "../test-support/harness";
import { customerPayload } from "../test-support/payloads";

/**
 * Undoing a merge gives back the merged-away profile and the survivor's own fields, but a field written
 * after the merge (a surname or address from Shopify, a note from a tablet) keeps its newer value.
 */
describe(`undoing a merge keeps newer data (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  const inShop = <T>(fn: (tx: Queryable, shop: ShopContext) => Promise<T>) =>
    t.runtime.db.db.transaction(async (tx) => fn(tx, await loadShop(tx, SHOP_A, { lock: true })));
  const fields = async (id: string) =>
    (
      await queryRows<Record<string, string | null>>(
        t.runtime.db.db,
        sql`SELECT first_name, last_name, postcode, address1, note, status FROM profiles WHERE id = ${id}`,
      )
    )[0];
  const ownerOf = async (value: string) =>
    (
      await queryRows<{ profile_id: string }>(
        t.runtime.db.db,
        sql`SELECT profile_id FROM identifiers WHERE value = ${value}`,
      )
    )[0]?.profile_id;

  async function pushNote(profileId: string, note: string, createdAt: string) {
    const { code } = await (
      await t.api("POST", "/api/devices/pairing-codes", { body: { locationId: "loc-1" } })
    ).json();
    const paired = await (
      await t.api("POST", "/api/sync/pair", { token: null, body: { code, deviceName: "Tablet" } })
    ).json();
    const mutations = [{ seq: 1, id: crypto.randomUUID(), name: "profile.note", args: { profileId, note }, createdAt }];
    const res = await t.api("POST", "/api/sync/push", {
      token: paired.token,
      body: { clientId: "tablet-1", mutations },
    });
    expect((await res.json()).applied).toHaveLength(1);
  }

  it("keeps a later surname, address and tablet note; the postcode the merge filled in goes back", async () => {
    await t.webhook("customers/create", {
      ...customerPayload({
        id: 81,
        email: "ann@home.net",
        firstName: "Ann",
        lastName: "Lee",
        updatedAt: "2026-11-01T10:00:00Z",
      }),
      default_address: { address1: "1 Elm St", zip: null },
    });
    await t.webhook("customers/create", {
      ...customerPayload({
        id: 82,
        email: "ann.lee@work.com",
        firstName: "Annie",
        lastName: "Lee",
        updatedAt: "2026-11-02T10:00:00Z",
      }),
      default_address: { address1: null, zip: "10001" },
    });
    await t.drain();
    const ann = (await ownerOf("ann@home.net"))!;
    const annie = (await ownerOf("ann.lee@work.com"))!;
    const mergeId = await inShop((tx, shop) =>
      mergeProfiles(tx, shop, {
        survivorId: ann,
        mergedId: annie,
        evidence: [],
        eventId: null,
        reason: "same person",
        auto: false,
        decidedBy: "staff-1",
        now: t.clock(),
      }),
    );
    expect(await fields(ann)).toMatchObject({ last_name: "Lee", address1: "1 Elm St", postcode: "10001", note: null });

    // After the merge: Shopify changes her surname and address; a clerk notes her size on the tablet.
    t.clock.set("2026-11-26T12:00:00Z");
    await t.webhook("customers/update", {
      ...customerPayload({
        id: 81,
        email: "ann@home.net",
        firstName: "Ann",
        lastName: "Lee-Park",
        updatedAt: "2026-11-26T09:00:00Z",
      }),
      default_address: { address1: "9 Oak Ave", zip: null },
    });
    await t.drain();
    await pushNote(ann, "size M, prefers linen", "2026-11-26T10:00:00Z");

    t.clock.set("2026-11-27T12:00:00Z");
    const undone = await t.api("POST", `/api/merges/${mergeId}/undo`);
    expect(undone.status).toBe(200);
    expect(await fields(ann)).toEqual({
      first_name: "Ann",
      last_name: "Lee-Park",
      postcode: null,
      address1: "9 Oak Ave",
      note: "size M, prefers linen",
      status: "active",
    });
    expect(await fields(annie)).toEqual({
      first_name: "Annie",
      last_name: "Lee",
      postcode: "10001",
      address1: null,
      note: null,
      status: "active",
    });
    expect(await ownerOf("ann.lee@work.com")).toBe(annie);
    expect(await ownerOf("ann@home.net")).toBe(ann);
  });

  it("gives the survivor back exactly its own fields when nothing was written since the merge", async () => {
    await t.webhook("customers/create", {
      ...customerPayload({
        id: 91,
        email: "bo@home.net",
        firstName: "Bo",
        lastName: "Chan",
        updatedAt: "2026-11-01T10:00:00Z",
      }),
      default_address: null,
    });
    await t.webhook("customers/create", {
      ...customerPayload({
        id: 92,
        email: "bo@work.com",
        firstName: "Robert",
        lastName: "Chan",
        updatedAt: "2026-11-02T10:00:00Z",
      }),
      default_address: { address1: "5 Pine Rd", zip: "60601" },
    });
    await t.drain();
    const bo = (await ownerOf("bo@home.net"))!;
    const robert = (await ownerOf("bo@work.com"))!;
    const before = await fields(bo);
    const mergeId = await inShop((tx, shop) =>
      mergeProfiles(tx, shop, {
        survivorId: bo,
        mergedId: robert,
        evidence: [],
        eventId: null,
        reason: "same person",
        auto: false,
        decidedBy: null,
        now: t.clock(),
      }),
    );
    expect(await fields(bo)).toMatchObject({ address1: "5 Pine Rd", postcode: "60601" });
    t.clock.advanceDays(1);
    expect((await t.api("POST", `/api/merges/${mergeId}/undo`)).status).toBe(200);
    expect(await fields(bo)).toEqual(before);
  });
});
