import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../db/rows";
import { dbLabel, startTestServer, type TestServer } from "../test-support/harness";

/** Two copies of the same device (a restored backup, a second tab) push the same batch at the same time. */
describe(`concurrent pushes of one batch (${dbLabel()})`, () => {
  let t: TestServer;
  let token = "";
  beforeAll(async () => {
    t = await startTestServer();
    const { code } = await (await t.api("POST", "/api/devices/pairing-codes", { body: {} })).json();
    token = (
      await (await t.api("POST", "/api/sync/pair", { token: null, body: { code, deviceName: "Twin tablet" } })).json()
    ).token;
  });
  afterAll(async () => t.close());

  it("applies the batch once", async () => {
    const mutations = Array.from({ length: 40 }, (_, i) => ({
      seq: i + 1,
      id: crypto.randomUUID(),
      name: i % 2 === 0 ? "customer.capture" : "visit.log",
      args:
        i % 2 === 0
          ? {
              localId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
              firstName: `Twin ${i}`,
              email: `twin${i}@mailbox.org`,
            }
          : { localId: `00000000-0000-4000-8000-${String(i - 1).padStart(12, "0")}`, at: "2026-11-25T10:00:00Z" },
      createdAt: "2026-11-25T10:00:00Z",
    }));
    const push = () => t.api("POST", "/api/sync/push", { token, body: { clientId: "twin-client", mutations } });
    const answers = await Promise.all([push(), push(), push()]);
    for (const a of answers) expect(a.status).toBe(200);
    const results = await Promise.all(answers.map((a) => a.json()));
    expect(results.map((r) => r.applied.length).sort((a, b) => a - b)).toEqual([0, 0, 40]);
    const [counts] = await queryRows<{ mutations: string; profiles: string; visits: string }>(
      t.runtime.db.db,
      sql`SELECT (SELECT count(*) FROM sync_mutations)::text AS mutations, (SELECT count(*)
        FROM profiles)::text AS profiles, (SELECT count(*) FROM visits)::text AS visits`,
    );
    expect(counts).toEqual({ mutations: "40", profiles: "20", visits: "20" });
  });
});
