import { shopifyDelivery } from "@c360/server/seed/delivery";
import { signSessionToken } from "@c360/server/auth/session-token";
import type { Config } from "@c360/server/config";
import { silentLogger } from "@c360/server/http/logger";
import { createRuntime, type Runtime } from "@c360/server/runtime";
import { generateShop } from "@c360/server/seed/generate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, postgres, sleep, type Sql } from "../support/server-process";
import { startTcpProxy } from "../support/tcp-proxy";

/**
 * PostgreSQL goes away during webhook intake and during a sync push: requests fail cleanly with 503 and
 * Retry-After, nothing is half-written, and the same server process recovers once the database is back.
 */
const SHOP = "outage.myshopify.com";
const SECRET = "outage-secret";

describe("database outage (PostgreSQL behind a proxy that is cut)", () => {
  let runtime: Runtime;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let sqlc: Sql;
  let drop: () => Promise<void>;
  const events = generateShop({ customers: 40, seed: 5 }).events;

  beforeAll(async () => {
    const db = await freshDatabase("c360_outage");
    drop = db.drop;
    const direct = new URL(db.url);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    const config: Config = {
      port: 0,
      databaseUrl: viaProxy.toString(),
      apiKey: undefined,
      apiSecret: SECRET,
      dataDir: "",
      publicUrl: "",
      devSecret: false,
      queueLockSeconds: 2,
    };
    runtime = await createRuntime(config, { log: silentLogger, startWorkers: true });
    sqlc = postgres(db.url, { max: 2, onnotice: () => {} });
  });
  afterAll(async () => {
    await runtime?.close().catch(() => {});
    await proxy?.close();
    await sqlc?.end({ timeout: 1 });
    await drop?.();
  });

  const deliver = (i: number) => runtime.app.request("/webhooks/shopify", shopifyDelivery(events[i]!, SHOP, SECRET));

  it("answers 503 with Retry-After while the database is away and recovers without a restart", async () => {
    for (let i = 0; i < 10; i++) expect((await deliver(i)).status).toBe(200);

    proxy.cut();
    const during = await deliver(10);
    expect(during.status).toBe(503);
    expect(during.headers.get("retry-after")).toBeTruthy();
    expect(await during.json()).toMatchObject({ error: "database_unavailable" });
    // the server process runs on the real clock
    const token = await signSessionToken({ shopId: SHOP, secret: SECRET, now: new Date() });
    const api = await runtime.app.request("/api/profiles?query=a", { headers: { authorization: `Bearer ${token}` } });
    expect(api.status).toBe(503);

    proxy.restore();
    // The same process, its pool reconnecting by itself: Shopify's retry of the refused delivery lands.
    let status = 0;
    for (let attempt = 0; attempt < 40 && status !== 200; attempt++) {
      status = (await deliver(10)).status;
      if (status !== 200) await sleep(250);
    }
    expect(status).toBe(200);
    for (let i = 11; i < events.length; i++) expect((await deliver(i)).status).toBe(200);

    for (let i = 0; i < 120; i++) {
      const [q] = await sqlc<{ n: number }>`SELECT count(*)::int AS n FROM jobs`;
      if (q?.n === 0) break;
      await sleep(250);
    }
    const [counts] = await sqlc<{ deliveries: number; processed: number }>`
      SELECT (SELECT count(*)::int FROM webhook_deliveries) AS deliveries,
             (SELECT count(*)::int FROM webhook_deliveries WHERE status = 'processed') AS processed`;
    expect(counts).toEqual({ deliveries: events.length, processed: events.length });
  });

  it("leaves nothing half-written when the connection drops in the middle of a sync push", async () => {
    // the server process runs on the real clock
    const token = await signSessionToken({ shopId: SHOP, secret: SECRET, now: new Date() });
    const codeRes = await runtime.app.request("/api/devices/pairing-codes", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{}",
    });
    const { code } = (await codeRes.json()) as { code: string };
    const paired = (await (
      await runtime.app.request("/api/sync/pair", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ code, deviceName: "outage tablet" }),
      })
    ).json()) as { token: string };
    const mutations = Array.from({ length: 1500 }, (_, i) => ({
      seq: i + 1,
      id: crypto.randomUUID(),
      name: "customer.capture",
      args: { localId: crypto.randomUUID(), firstName: `Outage ${i}`, email: `outage${i}@mailbox.org` },
      createdAt: "2026-11-25T10:00:00Z",
    }));
    const push = () =>
      runtime.app.request("/api/sync/push", {
        method: "POST",
        headers: { authorization: `Bearer ${paired.token}`, "content-type": "application/json" },
        body: JSON.stringify({ clientId: "outage-client", mutations }),
      });
    const inFlight = push();
    // Cut once the push transaction is writing.
    for (let i = 0; i < 200; i++) {
      const [row] = await sqlc<{
        n: number;
      }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_xid IS NOT NULL
        AND datname = current_database()`;
      if ((row?.n ?? 0) > 0) break;
      await sleep(20);
    }
    await sleep(200);
    proxy.cut();
    const answer = await inFlight;
    expect(answer.status).toBe(503);
    expect(answer.headers.get("retry-after")).toBeTruthy();
    await sleep(500);
    const [half] = await sqlc<{
      n: number;
    }>`SELECT count(*)::int AS n FROM sync_mutations WHERE client_id = 'outage-client'`;
    expect(half?.n).toBe(0);

    proxy.restore();
    let res = await push();
    for (let attempt = 0; attempt < 20 && res.status !== 200; attempt++) {
      await sleep(250);
      res = await push();
    }
    expect(res.status).toBe(200);
    const [after] = await sqlc<{ applied: number; profiles: number }>`
      SELECT (SELECT count(*)::int FROM sync_mutations WHERE client_id = 'outage-client'
        AND status = 'applied') AS applied,
             (SELECT count(*)::int FROM profiles WHERE first_name LIKE 'Outage %') AS profiles`;
    expect(after).toEqual({ applied: 1500, profiles: 1500 });
  });
});
