import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { dbLabel, SHOP_A, startTestServer, type TestServer } from "../test-support/harness";

/** Issue #17 item 10: what a push cannot keep is said, per field; an uninstalled shop takes nothing. */
describe(`sync refusals (${dbLabel()})`, () => {
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
  const capture = (seq: number, args: Record<string, unknown>) => ({
    seq,
    id: crypto.randomUUID(),
    name: "customer.capture",
    args: { localId: crypto.randomUUID(), ...args },
    createdAt: "2026-11-25T11:00:00Z",
  });

  it("applies a capture with an invalid email, naming it as a field rejection in the answer and record", async () => {
    const token = await pairedToken();
    const bad = capture(1, { firstName: "Ana", email: "ana@@gmail", phone: "+14155550142" });
    const good = capture(2, { firstName: "Bo", email: "bo@gmail.com" });
    const res = await t.api("POST", "/api/sync/push", {
      token,
      body: { clientId: "tablet-fields", mutations: [bad, good] },
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.applied).toEqual([bad.id, good.id]);
    expect(body.rejected).toEqual([]);
    expect(body.fieldRejections).toEqual([
      {
        id: bad.id,
        seq: 1,
        field: "email",
        reason: "the email is not a valid email address (or a placeholder); it was not saved, ask the customer again",
      },
    ]);
    const stored = await queryRows<{ mutation_id: string; status: string; reason: string | null }>(
      t.runtime.db.db,
      sql`SELECT mutation_id, status, reason FROM sync_mutations ORDER BY seq`,
    );
    expect(stored).toEqual([
      { mutation_id: bad.id, status: "applied", reason: body.fieldRejections[0].reason },
      { mutation_id: good.id, status: "applied", reason: null },
    ]);
    // Ana is kept with her phone; the malformed email is nowhere.
    const kinds = await queryRows<{ kind: string }>(
      t.runtime.db.db,
      sql`SELECT kind FROM identifiers WHERE profile_id = ${body.profiles[bad.args.localId]} ORDER BY kind`,
    );
    expect(kinds.map((k) => k.kind)).toEqual(["device", "phone"]);
  });

  it("refuses pushes and pulls of an uninstalled shop with a message, storing nothing, until reinstalled", async () => {
    const token = await pairedToken();
    expect(
      (
        await t.api("POST", "/api/sync/push", {
          token,
          body: { clientId: "tablet-gone", mutations: [capture(1, { firstName: "Cy" })] },
        })
      ).status,
    ).toBe(200);
    expect((await t.webhook("app/uninstalled", { shop_domain: SHOP_A })).status).toBe(200);
    await t.drain();

    const late = capture(2, { firstName: "Di", email: "di@gmail.com" });
    const refused = await t.api("POST", "/api/sync/push", {
      token,
      body: { clientId: "tablet-gone", mutations: [late] },
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: "shop_uninstalled",
      message: "this shop removed the app; changes stay on this tablet and sync again once the app is reinstalled",
    });
    expect((await t.api("GET", "/api/sync/pull", { token })).status).toBe(403);
    const [mutations] = await queryRows<{ n: string | number }>(
      t.runtime.db.db,
      sql`SELECT count(*) AS n FROM sync_mutations`,
    );
    expect(Number(mutations!.n)).toBe(1);

    // A reinstall clears the mark (the install path owns that); the same tablet then syncs what it kept.
    await t.runtime.db.db.execute(sql`UPDATE shops SET uninstalled_at = NULL WHERE shop_id = ${SHOP_A}`);
    const resumed = await t.api("POST", "/api/sync/push", {
      token,
      body: { clientId: "tablet-gone", mutations: [late] },
    });
    expect(resumed.status).toBe(200);
    expect((await resumed.json()).applied).toEqual([late.id]);
  });
});
