import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminUrl,
  freePort,
  postgres,
  sleep,
  startServerProcess,
  stopServerProcess as kill,
  type ServerProcess as Server,
  type Sql,
} from "../support/server-process";

/**
 * The server is killed with SIGKILL in the middle of a large push, restarted, and the device pushes
 * everything again: every mutation must be applied exactly once.
 */
const SHOP = "kill-test.myshopify.com";
const CUSTOMERS = 2500;
const startServer = (databaseUrl: string, port: number) =>
  startServerProcess({ DATABASE_URL: databaseUrl, SHOPIFY_API_SECRET: "kill-test-secret" }, port);

describe("sync push survives SIGKILL mid-batch (PostgreSQL)", () => {
  const dbName = `c360_kill_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  let databaseUrl = "";
  let sqlc: Sql;
  const servers: Server[] = [];

  beforeAll(async () => {
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${dbName}`;
    databaseUrl = url.toString();
    sqlc = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  });

  afterAll(async () => {
    for (const s of servers) await kill(s, "SIGKILL").catch(() => {});
    await sqlc?.end({ timeout: 5 });
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    await admin.end();
  });

  it("applies every mutation exactly once after a crash and a full re-push", async () => {
    const port = await freePort();
    const first = await startServer(databaseUrl, port);
    servers.push(first);

    // Pair through a code written straight into the database, as the admin would have minted it.
    await sqlc`INSERT INTO shops (shop_id) VALUES (${SHOP}) ON CONFLICT DO NOTHING`;
    // Due by the server's clock (the process's), not the database's: the two differ when the date is faked.
    const expiresAt = new Date(Date.now() + 10 * 60_000).toISOString();
    await sqlc`INSERT INTO pairing_codes (shop_id, code, location_id, expires_at)
      VALUES (${SHOP}, 'KTAC7RX4', 'loc-1', ${expiresAt})`;
    const paired = await fetch(`${first.url}/api/sync/pair`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: "KTAC7RX4", deviceName: "Pop-up tablet" }),
    });
    expect(paired.status).toBe(201);
    const { token } = (await paired.json()) as { token: string };

    const mutations = [];
    const start = Date.parse("2026-11-18T09:00:00Z");
    for (let i = 0; i < CUSTOMERS; i++) {
      const localId = crypto.randomUUID();
      const at = new Date(start + i * 60_000).toISOString();
      mutations.push({
        seq: 2 * i + 1,
        id: crypto.randomUUID(),
        name: "customer.capture",
        args: { localId, firstName: `C${i}`, email: `c${i}@mailbox.org` },
        createdAt: at,
      });
      mutations.push({
        seq: 2 * i + 2,
        id: crypto.randomUUID(),
        name: "visit.log",
        args: { localId, at },
        createdAt: at,
      });
    }
    const body = JSON.stringify({ clientId: "kill-test-client", mutations });
    const pushTo = (url: string) =>
      fetch(`${url}/api/sync/push`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body,
      });

    let answered = false;
    const inFlight = pushTo(first.url).then(
      (res) => ((answered = true), { ok: true as const, status: res.status }),
      (error: Error) => ({ ok: false as const, error }),
    );
    // Mid-way: the push transaction has started writing and has not committed.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [row] = await sqlc`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ${dbName}
          AND backend_xid IS NOT NULL`;
      if ((row?.n ?? 0) > 0) break;
      if (answered || Date.now() > deadline) throw new Error("the push finished (or never started) before the kill");
      await sleep(20);
    }
    await sleep(500);
    expect(answered).toBe(false);
    await kill(first, "SIGKILL");
    const outcome = await inFlight;
    expect(outcome.ok).toBe(false);

    // Postgres rolls the orphaned transaction back once it sees the connection gone.
    for (let i = 0; i < 100; i++) {
      const [row] = await sqlc`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ${dbName}
          AND backend_xid IS NOT NULL`;
      if ((row?.n ?? 0) === 0) break;
      await sleep(100);
    }
    const [before] = await sqlc`SELECT (SELECT count(*)::int FROM sync_mutations) AS mutations, (SELECT count(*)::int
        FROM profiles) AS profiles`;
    expect(before).toEqual({ mutations: 0, profiles: 0 });

    const second = await startServer(databaseUrl, port);
    servers.push(second);
    const began = performance.now();
    const res = await pushTo(second.url);
    expect(res.status).toBe(200);
    const result = (await res.json()) as { lastSeq: number; applied: string[]; rejected: unknown[] };
    console.log(
      `[postgres] re-push of ${mutations.length} mutations after SIGKILL: ` +
        `${((performance.now() - began) / 1000).toFixed(1)} s`,
    );
    expect(result.lastSeq).toBe(mutations.length);
    expect(result.applied).toHaveLength(mutations.length);
    expect(result.rejected).toEqual([]);

    // And a device that never saw that answer pushes once more: nothing changes.
    const again = (await (await pushTo(second.url)).json()) as { applied: string[]; skipped: string[] };
    expect(again.applied).toHaveLength(0);
    expect(again.skipped).toHaveLength(mutations.length);

    const [counts] = await sqlc`SELECT
        (SELECT count(*)::int FROM sync_mutations WHERE status = 'applied') AS applied,
        (SELECT count(DISTINCT mutation_id)::int FROM sync_mutations) AS distinct_mutations,
        (SELECT count(*)::int FROM profiles) AS profiles,
        (SELECT count(*)::int FROM visits) AS visits,
        (SELECT count(*)::int FROM identifiers WHERE kind = 'email') AS emails,
        (SELECT last_seq::int FROM sync_clients WHERE client_id = 'kill-test-client') AS last_seq,
        (SELECT sum(visit_count)::int FROM profiles) AS visit_counts`;
    expect(counts).toEqual({
      applied: mutations.length,
      distinct_mutations: mutations.length,
      profiles: CUSTOMERS,
      visits: CUSTOMERS,
      emails: CUSTOMERS,
      last_seq: mutations.length,
      visit_counts: CUSTOMERS,
    });
    await kill(second, "SIGTERM");
  });
});
