import { DEFAULT_CONSENT_TEXTS } from "@c360/shared";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { dbLabel, SHOP_A, SHOP_B, startTestServer, type TestServer } from "../test-support/harness";
import { recordProfileChange } from "../services/shop";

const emailText = DEFAULT_CONSENT_TEXTS.find((t) => t.channel === "email" && t.locale === "en")!;

const count = async (t: TestServer, statement: ReturnType<typeof sql>) =>
  Number((await queryRows<{ n: string | number }>(t.runtime.db.db, statement))[0]!.n);

async function pair(t: TestServer, opts: { shop?: string; name?: string; locationId?: string | null } = {}) {
  const created = await t.api("POST", "/api/devices/pairing-codes", {
    shop: opts.shop,
    body: { locationId: opts.locationId ?? "loc-1" },
  });
  expect(created.status).toBe(201);
  const { code } = await created.json();
  const res = await t.api("POST", "/api/sync/pair", { token: null, body: { code, deviceName: opts.name ?? "Tablet" } });
  expect(res.status).toBe(201);
  return (await res.json()) as { deviceId: string; token: string; shop: string; location: string | null };
}

interface Device {
  token: string;
  clientId: string;
  seq: number;
}
const device = (token: string, clientId = `client-${crypto.randomUUID().slice(0, 8)}`): Device => ({
  token,
  clientId,
  seq: 0,
});

/** Builds the next mutations of a device, numbered as the companion's outbox numbers them. */
function mutations(
  d: Device,
  list: { name: string; args: unknown; createdAt?: string }[],
  at = "2026-11-25T11:00:00Z",
) {
  return list.map((m) => ({
    seq: ++d.seq,
    id: crypto.randomUUID(),
    name: m.name,
    args: m.args,
    createdAt: m.createdAt ?? at,
  }));
}

const push = (t: TestServer, d: Device, muts: unknown[]) =>
  t.api("POST", "/api/sync/push", { token: d.token, body: { clientId: d.clientId, mutations: muts } });
const pull = (t: TestServer, token: string, query = "") => t.api("GET", `/api/sync/pull${query}`, { token });

describe(`companion pairing and devices (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  it("pairs a tablet with a one-time code and stores only the token's hash", async () => {
    const created = await t.api("POST", "/api/devices/pairing-codes", { body: { locationId: "loc-9" } });
    const body = await created.json();
    expect(body.code).toMatch(/^[ACDEFGHJKMNPQRTUVWXY234679]{8}$/);
    expect(new Date(body.expiresAt).getTime() - t.clock().getTime()).toBe(10 * 60_000);
    expect(body.locationId).toBe("loc-9");

    const paired = await t.api("POST", "/api/sync/pair", {
      token: null,
      body: { code: body.code.toLowerCase(), deviceName: "Front desk" },
    });
    expect(paired.status).toBe(201);
    const p = await paired.json();
    expect(p).toMatchObject({ shop: SHOP_A, location: "loc-9" });
    const stored = await queryRows<{ token_hash: string }>(t.runtime.db.db, sql`SELECT token_hash FROM devices`);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).not.toContain(p.token.split(".").at(-1));
    expect((await pull(t, p.token)).status).toBe(200);

    const replay = await t.api("POST", "/api/sync/pair", {
      token: null,
      body: { code: body.code, deviceName: "Thief" },
    });
    expect(replay.status).toBe(410);
    expect((await replay.json()).error).toBe("pairing_code_used");
    expect(await count(t, sql`SELECT count(*) AS n FROM devices`)).toBe(1);
  });

  it("refuses an expired or unknown code", async () => {
    const { code } = await (await t.api("POST", "/api/devices/pairing-codes", {})).json();
    t.clock.set(new Date(t.clock().getTime() + 10 * 60_000 + 1000));
    const expired = await t.api("POST", "/api/sync/pair", { token: null, body: { code, deviceName: "Late" } });
    expect(expired.status).toBe(410);
    expect((await expired.json()).error).toBe("pairing_code_expired");
    const unknown = await t.api("POST", "/api/sync/pair", {
      token: null,
      body: { code: "ZZZZZZZZ", deviceName: "Guess" },
    });
    expect(unknown.status).toBe(401);
    const bad = await t.api("POST", "/api/sync/pair", { token: null, body: { code: "no!", deviceName: "" } });
    expect(bad.status).toBe(400);
  });

  it("lists devices with their last sync and rejections, and a revoked device is refused at once", async () => {
    const p = await pair(t, { name: "Market stall" });
    const d = device(p.token);
    await push(t, d, mutations(d, [{ name: "does.not.exist", args: {} }]));
    const list = await (await t.api("GET", "/api/devices")).json();
    expect(list.devices).toHaveLength(1);
    expect(list.devices[0]).toMatchObject({
      deviceId: p.deviceId,
      name: "Market stall",
      status: "active",
      rejectedMutations: 1,
      lastSeq: 1,
    });
    expect(list.devices[0].lastSyncAt).toBe(t.clock().toISOString());
    // Another shop sees none of it and cannot revoke it.
    expect((await (await t.api("GET", "/api/devices", { shop: SHOP_B })).json()).devices).toHaveLength(0);
    expect((await t.api("DELETE", `/api/devices/${p.deviceId}`, { shop: SHOP_B })).status).toBe(404);

    expect((await t.api("DELETE", `/api/devices/${p.deviceId}`)).status).toBe(200);
    const refused = await push(t, d, mutations(d, [{ name: "profile.note", args: { profileId: "x", note: "hi" } }]));
    expect(refused.status).toBe(401);
    expect((await refused.json()).error).toBe("device_revoked");
    expect((await pull(t, p.token)).status).toBe(401);
    expect(
      (await t.api("GET", "/api/sync/pull", { token: "c360d.shop-a.myshopify.com.nope.aaaaaaaaaaaaaaaaaaaaaaaaa" }))
        .status,
    ).toBe(401);
  });
});

describe(`sync push (${dbLabel()})`, () => {
  let t: TestServer;
  let d: Device;
  beforeEach(async () => {
    t = await startTestServer();
    d = device((await pair(t)).token);
  });
  afterEach(async () => t.close());

  it("applies the same batch pushed three times once", async () => {
    const localId = crypto.randomUUID();
    const batch = mutations(d, [
      {
        name: "customer.capture",
        args: {
          localId,
          firstName: "Sarah",
          lastName: "Miller",
          email: " Sarah@Mailbox.org ",
          phone: "+1 415 555 0101",
        },
      },
      {
        name: "consent.record",
        args: { localId, channel: "email", action: "granted", textVersion: 1, text: emailText.text },
      },
      { name: "visit.log", args: { localId, at: "2026-11-25T11:00:00Z" } },
    ]);
    const results = [];
    for (let i = 0; i < 3; i++) {
      const res = await push(t, d, batch);
      expect(res.status).toBe(200);
      results.push(await res.json());
    }
    expect(results[0].applied).toHaveLength(3);
    expect(results[0].lastSeq).toBe(3);
    expect(results[1]).toMatchObject({ applied: [], lastSeq: 3 });
    expect(results[2].skipped).toHaveLength(3);
    const profileId = results[0].profiles[localId];
    expect(profileId).toBeTruthy();
    // A device that lost the first answer still learns which profile its customer became.
    expect(results[2].profiles[localId]).toBe(profileId);
    expect(await count(t, sql`SELECT count(*) AS n FROM profiles`)).toBe(1);
    expect(await count(t, sql`SELECT count(*) AS n FROM consents`)).toBe(1);
    expect(await count(t, sql`SELECT count(*) AS n FROM visits`)).toBe(1);
    expect(await count(t, sql`SELECT count(*) AS n FROM sync_mutations WHERE status = 'applied'`)).toBe(3);

    const view = await (await t.api("GET", `/api/profiles/${profileId}`)).json();
    expect(view).toMatchObject({ firstName: "Sarah", emails: ["sarah@mailbox.org"], phones: ["+14155550101"] });
    expect(view.consent.email.granted).toBe(true);
    expect(view.aggregates.visitCount).toBe(1);
  });

  it("answers a gap with 409 and the seq to resend from, applying nothing past it", async () => {
    const first = mutations(d, [
      { name: "customer.capture", args: { localId: crypto.randomUUID(), email: "a@mailbox.org" } },
    ]);
    expect((await push(t, d, first)).status).toBe(200);
    d.seq++; // seq 2 lost on the device side
    const late = mutations(d, [
      { name: "customer.capture", args: { localId: crypto.randomUUID(), email: "b@mailbox.org" } },
    ]);
    const res = await push(t, d, late);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: "seq_gap", expectedSeq: 2 });
    expect(await count(t, sql`SELECT count(*) AS n FROM profiles`)).toBe(1);

    // A hole inside a batch: the run before it is applied and committed, the rest waits.
    d.seq = 1;
    const [m2, m3, m4] = mutations(d, [
      { name: "customer.capture", args: { localId: crypto.randomUUID(), email: "c@mailbox.org" } },
      { name: "customer.capture", args: { localId: crypto.randomUUID(), email: "d@mailbox.org" } },
      { name: "customer.capture", args: { localId: crypto.randomUUID(), email: "e@mailbox.org" } },
    ]);
    const holed = await push(t, d, [m2, m4]);
    expect(holed.status).toBe(409);
    expect(await holed.json()).toMatchObject({ expectedSeq: 3, lastSeq: 2, applied: [m2!.id] });
    const resent = await push(t, d, [m3, m4]);
    expect(resent.status).toBe(200);
    expect((await resent.json()).lastSeq).toBe(4);
    expect(await count(t, sql`SELECT count(*) AS n FROM profiles`)).toBe(4);
  });

  it("records unknown or invalid mutations as rejected without blocking the queue", async () => {
    const batch = mutations(d, [
      { name: "customer.teleport", args: {} },
      { name: "customer.capture", args: { localId: "not-a-uuid" } },
      {
        name: "consent.record",
        args: {
          localId: crypto.randomUUID(),
          channel: "email",
          action: "granted",
          textVersion: 1,
          text: emailText.text,
        },
      },
      { name: "customer.capture", args: { localId: crypto.randomUUID(), email: "ok@mailbox.org" } },
    ]);
    const res = await push(t, d, batch);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.lastSeq).toBe(4);
    expect(body.applied).toEqual([batch[3]!.id]);
    expect(body.rejected.map((r: { seq: number }) => r.seq)).toEqual([1, 2, 3]);
    expect(body.rejected[0].reason).toMatch(/unknown_mutation/);
    expect(body.rejected[1].reason).toMatch(/invalid_args: localId/);
    expect(body.rejected[2].reason).toMatch(/unknown_customer/);
    expect(
      await count(t, sql`SELECT count(*) AS n FROM sync_mutations WHERE status = 'rejected' AND reason IS NOT NULL`),
    ).toBe(3);
  });

  it("resolves a device's local customer ID in later batches and follows the profile", async () => {
    const localId = crypto.randomUUID();
    const first = await (
      await push(t, d, mutations(d, [{ name: "customer.capture", args: { localId, firstName: "Ana" } }]))
    ).json();
    const profileId = first.profiles[localId];
    expect(profileId).toBeTruthy();
    const second = await push(
      t,
      d,
      mutations(d, [
        { name: "customer.capture", args: { localId, email: "ana@mailbox.org" } },
        { name: "profile.note", args: { localId, note: "prefers linen" } },
        { name: "unsubscribe", args: { localId } },
      ]),
    );
    const body = await second.json();
    expect(body.rejected).toEqual([]);
    expect(body.profiles[localId]).toBe(profileId);
    const [row] = await queryRows<{ note: string; first_name: string }>(
      t.runtime.db.db,
      sql`SELECT note, first_name FROM profiles WHERE id = ${profileId}`,
    );
    expect(row).toMatchObject({ note: "prefers linen", first_name: "Ana" });
    expect(
      await count(t, sql`SELECT count(*) AS n FROM identifiers WHERE profile_id = ${profileId} AND kind = 'email'`),
    ).toBe(1);
    expect(
      await count(
        t,
        sql`SELECT count(*) AS n FROM consents WHERE profile_id = ${profileId} AND channel = 'all'
          AND action = 'revoked'`,
      ),
    ).toBe(1);
  });

  it("lets two devices interleave on the same customer: each field keeps the customer's latest write", async () => {
    const other = device((await pair(t, { name: "Tablet B" })).token);
    const a = crypto.randomUUID();
    const b = crypto.randomUUID();
    // A captured at 10:00 and 10:30; B (offline) captured at 10:15 and syncs last.
    await push(
      t,
      d,
      mutations(
        d,
        [
          {
            name: "customer.capture",
            args: { localId: a, firstName: "Sarah", lastName: "Miller", email: "sarah@mailbox.org" },
          },
        ],
        "2026-11-25T10:00:00Z",
      ),
    );
    await push(
      t,
      other,
      mutations(
        other,
        [
          {
            name: "customer.capture",
            args: { localId: b, firstName: "Sara", email: "SARAH@mailbox.org", phone: "+14155550199" },
          },
        ],
        "2026-11-25T10:15:00Z",
      ),
    );
    await push(
      t,
      d,
      mutations(
        d,
        [{ name: "customer.capture", args: { localId: a, lastName: "Miller-Jones", birthday: "1990-04-01" } }],
        "2026-11-25T10:30:00Z",
      ),
    );
    const late = mutations(
      other,
      [{ name: "customer.capture", args: { localId: b, lastName: "Mueller" } }],
      "2026-11-25T10:20:00Z",
    );
    const res = await (await push(t, other, late)).json();
    const [row] = await queryRows<{
      id: string;
      first_name: string;
      last_name: string;
      birthday: string;
      field_times: unknown;
    }>(
      t.runtime.db.db,
      sql`SELECT id, first_name, last_name, birthday, field_times FROM profiles WHERE status = 'active'`,
    );
    expect(await count(t, sql`SELECT count(*) AS n FROM profiles`)).toBe(1);
    expect(res.profiles[b]).toBe(row!.id);
    expect(row).toMatchObject({ first_name: "Sara", last_name: "Miller-Jones", birthday: "1990-04-01" });
    const times = typeof row!.field_times === "string" ? JSON.parse(row!.field_times) : row!.field_times;
    expect(times).toMatchObject({ firstName: "2026-11-25T10:15:00.000Z", lastName: "2026-11-25T10:30:00.000Z" });
    expect(await count(t, sql`SELECT count(*) AS n FROM identifiers WHERE kind = 'phone'`)).toBe(1);
  });

  it("clamps a device clock running more than 5 minutes ahead and flags it", async () => {
    const localId = crypto.randomUUID();
    const ahead = new Date(t.clock().getTime() + 60 * 60_000).toISOString();
    await push(t, d, mutations(d, [{ name: "customer.capture", args: { localId, email: "fast@mailbox.org" } }]));
    await push(
      t,
      d,
      mutations(
        d,
        [
          {
            name: "consent.record",
            args: { localId, channel: "email", action: "granted", textVersion: 1, text: emailText.text },
          },
        ],
        ahead,
      ),
    );
    const [row] = await queryRows<{ acted_at: Date | string; clamped: boolean }>(
      t.runtime.db.db,
      sql`SELECT acted_at, clamped FROM consents`,
    );
    expect(row!.clamped).toBe(true);
    expect(new Date(row!.acted_at).toISOString()).toBe(t.clock().toISOString());
  });

  it("syncs a device that was offline for a week with 10,000 mutations, in batches of 500", async () => {
    const start = new Date("2026-11-18T09:00:00Z").getTime();
    const all: ReturnType<typeof mutations> = [];
    for (let i = 0; i < 2500; i++) {
      const localId = crypto.randomUUID();
      const at = (k: number) => new Date(start + (i * 4 + k) * 60_000).toISOString();
      all.push(
        ...mutations(
          d,
          [
            {
              name: "customer.capture",
              args: { localId, firstName: `F${i}`, lastName: `L${i}`, email: `c${i}@mailbox.org` },
            },
          ],
          at(0),
        ),
        ...mutations(
          d,
          [
            {
              name: "consent.record",
              args: { localId, channel: "email", action: "granted", textVersion: 1, text: emailText.text },
            },
          ],
          at(1),
        ),
        ...mutations(d, [{ name: "visit.log", args: { localId, at: at(2) } }], at(2)),
        ...mutations(d, [{ name: "profile.note", args: { localId, note: `note ${i}` } }], at(3)),
      );
    }
    expect(all).toHaveLength(10_000);
    const began = performance.now();
    for (let i = 0; i < all.length; i += 500) {
      const res = await push(t, d, all.slice(i, i + 500));
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.rejected).toEqual([]);
      expect(body.lastSeq).toBe(i + 500);
    }
    const seconds = (performance.now() - began) / 1000;
    console.log(`[${dbLabel()}] 10,000 mutations in 20 pushes of 500: ${seconds.toFixed(1)} s`);
    expect(await count(t, sql`SELECT count(*) AS n FROM sync_mutations WHERE status = 'applied'`)).toBe(10_000);
    expect(await count(t, sql`SELECT count(*) AS n FROM profiles`)).toBe(2500);
    expect(await count(t, sql`SELECT count(*) AS n FROM consents`)).toBe(2500);
    expect(await count(t, sql`SELECT count(*) AS n FROM visits`)).toBe(2500);
    expect(await count(t, sql`SELECT count(*) AS n FROM profiles WHERE note LIKE 'note %'`)).toBe(2500);
    // Pushing the whole week again changes nothing.
    const again = await push(t, d, all.slice(0, 500));
    expect((await again.json()).applied).toEqual([]);
  }, 600_000);
});

describe(`sync pull (${dbLabel()})`, () => {
  let t: TestServer;
  let d: Device;
  beforeEach(async () => {
    t = await startTestServer();
    d = device((await pair(t)).token);
  });
  afterEach(async () => t.close());

  const capture = (email: string, firstName: string, localId: string = crypto.randomUUID()) => ({
    name: "customer.capture",
    args: { localId, email, firstName },
  });

  it("pages through the feed while writes land between pages and misses nothing", async () => {
    const locals = Array.from({ length: 30 }, () => crypto.randomUUID());
    await push(
      t,
      d,
      mutations(
        d,
        locals.map((l, i) => capture(`p${i}@mailbox.org`, `P${i}`, l)),
      ),
    );
    const seen = new Map<string, { version: number; firstName: string | null; tombstone: boolean }>();
    let cursor = 0;
    let pages = 0;
    let renames = 0;
    for (;;) {
      const res = await pull(t, d.token, `?cursor=${cursor}&limit=7&clientId=${d.clientId}`);
      expect(res.status).toBe(200);
      const page = await res.json();
      expect(page.lastSeq).toBe(d.seq);
      for (const ch of page.changes) {
        expect(ch.version).toBeGreaterThan(cursor);
        const id = ch.kind === "upsert" ? ch.profile.profileId : ch.profileId;
        seen.set(id, {
          version: ch.version,
          firstName: ch.kind === "upsert" ? ch.profile.firstName : null,
          tombstone: ch.kind === "tombstone",
        });
      }
      cursor = page.cursor;
      pages++;
      // Between page reads: a new customer, and an edit to one the reader has already passed.
      if (page.hasMore && pages <= 6) {
        renames++;
        const later = new Date(t.clock().getTime() + pages * 1000).toISOString();
        const w = await (
          await push(
            t,
            d,
            mutations(
              d,
              [
                capture(`new${pages}@mailbox.org`, `New${pages}`),
                { name: "customer.capture", args: { localId: locals[pages - 1], firstName: `Renamed${pages}` } },
              ],
              later,
            ),
          )
        ).json();
        expect(w.rejected).toEqual([]);
      }
      if (!page.hasMore) break;
    }
    const active = await queryRows<{ id: string; first_name: string }>(
      t.runtime.db.db,
      sql`SELECT id, first_name FROM profiles WHERE status = 'active'`,
    );
    expect(renames).toBeGreaterThanOrEqual(4);
    expect(active).toHaveLength(30 + renames);
    for (const p of active) expect(seen.get(p.id)?.firstName).toBe(p.first_name);
    expect([...seen.values()].filter((s) => s.firstName?.startsWith("Renamed"))).toHaveLength(renames);
  });

  it("sends summaries with contacts, loyalty and consent per channel", async () => {
    const localId = crypto.randomUUID();
    await push(
      t,
      d,
      mutations(d, [
        {
          name: "customer.capture",
          args: { localId, firstName: "Sarah", email: "sarah@mailbox.org", phone: "+14155550101" },
        },
        {
          name: "consent.record",
          args: { localId, channel: "email", action: "granted", textVersion: 1, text: emailText.text },
        },
      ]),
    );
    const page = await (await pull(t, d.token)).json();
    expect(page.changes).toHaveLength(1);
    expect(page.changes[0]).toMatchObject({
      kind: "upsert",
      profile: {
        firstName: "Sarah",
        emails: ["sarah@mailbox.org"],
        phones: ["+14155550101"],
        points: 0,
        tier: "Bronze",
        lifecycleStage: "new",
        consent: { email: true, sms: false, whatsapp: false, push: false },
      },
    });
  });

  it("turns an erased customer into a tombstone and a merged one into a pointer", async () => {
    const [la, lb, lc] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const r = await (
      await push(
        t,
        d,
        mutations(d, [
          capture("a@mailbox.org", "A", la),
          capture("b@mailbox.org", "B", lb),
          capture("c@mailbox.org", "C", lc),
        ]),
      )
    ).json();
    const first = await (await pull(t, d.token)).json();
    expect(first.changes.map((c: { kind: string }) => c.kind)).toEqual(["upsert", "upsert", "upsert"]);

    await t.runtime.db.db.transaction(async (tx) => {
      await tx.execute(
        sql`UPDATE profiles SET status = 'erased', first_name = NULL WHERE shop_id = ${SHOP_A}
          AND id = ${r.profiles[la]}`,
      );
      await recordProfileChange(tx, SHOP_A, r.profiles[la], "tombstone");
    });
    // One capture seen with both b's email and c's: they merge, and the one merged away becomes a pointer.
    await push(
      t,
      d,
      mutations(d, [
        {
          name: "customer.capture",
          args: { localId: crypto.randomUUID(), email: "c@mailbox.org", phone: "+14155550123" },
        },
        { name: "customer.capture", args: { localId: lb, phone: "+14155550123" } },
      ]),
    );
    const next = await (await pull(t, d.token, `?cursor=${first.cursor}`)).json();
    const byId = new Map(
      next.changes.map((c: { kind: string; profileId?: string; profile?: { profileId: string } }) => [
        c.profileId ?? c.profile!.profileId,
        c,
      ]),
    );
    expect(byId.get(r.profiles[la])).toMatchObject({ kind: "tombstone", mergedInto: null });
    const tombstones = next.changes.filter((c: { kind: string }) => c.kind === "tombstone");
    expect(tombstones).toHaveLength(2);
    const merged = tombstones.find((c: { profileId: string }) => c.profileId !== r.profiles[la]);
    expect([r.profiles[lb], r.profiles[lc]]).toContain(merged.profileId);
    expect([r.profiles[lb], r.profiles[lc]]).toContain(merged.mergedInto);
  });

  it("asks a device behind the pruned horizon to reset", async () => {
    await push(t, d, mutations(d, [capture("x@mailbox.org", "X")]));
    await t.runtime.db.db.execute(sql`UPDATE shops SET changes_pruned_before = 50 WHERE shop_id = ${SHOP_A}`);
    const res = await (await pull(t, d.token, "?cursor=3")).json();
    expect(res).toMatchObject({ reset: true, cursor: 0 });
    expect(res.message).toMatch(/pull again/);
    expect((await pull(t, d.token, "?cursor=abc")).status).toBe(400);
  });
});
