import { shopifyDelivery } from "@c360/server/seed/delivery";
import { openDatabase } from "@c360/server/db/client";
import { seedShop } from "@c360/server/seed/demo";
import { generateShop } from "@c360/server/seed/generate";
import { afterAll, describe, expect, it } from "vitest";
import {
  freePort,
  freshDatabase,
  postgres,
  sleep,
  startServerProcess,
  stopServerProcess,
  type ServerProcess,
  type Sql,
} from "../support/server-process";

/**
 * A webhook flood while the server is killed with SIGKILL and restarted several times. Shopify retries
 * every delivery it got no 200 for; every delivery that was answered 200 must be processed exactly once,
 * and the shop must end up exactly as an undisturbed in-process run of the same events leaves it.
 */
const SHOP = "kill-flood.myshopify.com";
const SECRET = "kill-flood-secret";
const KILLS = 3;

describe("webhook flood under SIGKILL (PostgreSQL)", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });

  it("processes every acknowledged delivery exactly once and converges", async () => {
    const shop = generateShop({ customers: 150, seed: 11 });
    const events = shop.events;

    const db = await freshDatabase("c360_flood");
    cleanups.push(db.drop);
    const sqlc: Sql = postgres(db.url, { max: 2, onnotice: () => {} });
    cleanups.push(() => sqlc.end({ timeout: 1 }));

    const port = await freePort();
    // Jobs claimed by a killed worker reappear after their lock: 3 s here instead of the default 30 s.
    const env = { DATABASE_URL: db.url, SHOPIFY_API_SECRET: SECRET, C360_QUEUE_LOCK_SECONDS: "3" };
    let server: ServerProcess = await startServerProcess(env, port);
    cleanups.push(() => stopServerProcess(server, "SIGKILL"));

    const acknowledged = new Set<string>();
    let sent = 0;
    let duplicatesAnswered = 0;
    const send = async (i: number): Promise<boolean> => {
      sent++;
      try {
        const res = await fetch(`${server.url}/webhooks/shopify`, shopifyDelivery(events[i]!, SHOP, SECRET));
        if (res.status !== 200) return false;
        const answer = (await res.json()) as { duplicate: boolean };
        if (answer.duplicate) duplicatesAnswered++;
        acknowledged.add(events[i]!.id);
        return true;
      } catch {
        return false; // connection refused or reset: Shopify will retry
      }
    };

    // Flood with 8 deliveries in flight; kill the server at three points and restart it.
    const killAt = new Set(
      Array.from({ length: KILLS }, (_, k) => Math.floor(((k + 1) * events.length) / (KILLS + 1))),
    );
    let next = 0;
    let kills = 0;
    const pending: number[] = [];
    while (next < events.length) {
      const batch = Array.from({ length: Math.min(8, events.length - next) }, (_, k) => next + k);
      next += batch.length;
      const results = await Promise.all(
        batch.map(async (i) => {
          if (killAt.has(i)) {
            kills++;
            void stopServerProcess(server, "SIGKILL");
          }
          return { i, ok: await send(i) };
        }),
      );
      for (const r of results) if (!r.ok) pending.push(r.i);
      if (server.child.signalCode !== null || server.child.exitCode !== null) {
        await stopServerProcess(server, "SIGKILL");
        server = await startServerProcess(env, port);
      }
    }
    expect(kills).toBe(KILLS);

    // Shopify's retries: every unanswered delivery again until it gets a 200.
    for (let round = 0; pending.length && round < 20; round++) {
      const retry = pending.splice(0);
      for (const i of retry) if (!(await send(i))) pending.push(i);
      if (pending.length) await sleep(500);
    }
    expect(pending).toEqual([]);

    // Wait for the queue to drain (a killed worker's claimed jobs reappear after their lock expires).
    const deadline = Date.now() + 120_000;
    for (;;) {
      const [queued] = await sqlc<{ jobs: number }>`SELECT count(*)::int AS jobs FROM jobs`;
      if (queued?.jobs === 0 || Date.now() > deadline) break;
      await sleep(500);
    }

    const [actual] = await sqlc<{
      deliveries: number;
      processed: number;
      dead: number;
      orders: number;
      profiles: number;
      spend: string;
      points: string;
      ledger: number;
    }>`
      SELECT (SELECT count(*)::int FROM webhook_deliveries) AS deliveries,
             (SELECT count(*)::int FROM webhook_deliveries WHERE status = 'processed') AS processed,
             (SELECT count(*)::int FROM dead_letters) AS dead,
             (SELECT count(*)::int FROM orders) AS orders,
             (SELECT count(*)::int FROM profiles WHERE status = 'active') AS profiles,
             (SELECT sum(lifetime_spend)::text FROM profiles) AS spend,
             (SELECT sum(loyalty_points)::text FROM profiles) AS points,
             (SELECT count(*)::int FROM loyalty_ledger) AS ledger`;

    // The same events, in order, through the same services in-process on PGlite: the undisturbed truth.
    const reference = await openDatabase({});
    cleanups.push(() => reference.close());
    await seedShop(reference.db, { shopId: SHOP, customers: 150, seed: 11 });
    const refRows = (await reference.db.execute(
      [
        "SELECT (SELECT count(*)::int FROM orders) AS orders,",
        "(SELECT count(*)::int FROM profiles WHERE status = 'active') AS profiles,",
        "(SELECT sum(lifetime_spend)::text FROM profiles) AS spend,",
        "(SELECT sum(loyalty_points)::text FROM profiles) AS points,",
        "(SELECT count(*)::int FROM loyalty_ledger) AS ledger",
      ].join(" ") as never,
    )) as unknown as { rows: Record<string, unknown>[] };
    const expected = refRows.rows[0]!;

    const figures = {
      deliveries: events.length,
      sent,
      acknowledged: acknowledged.size,
      processed: actual!.processed,
      duplicated: actual!.deliveries - events.length,
      lost: events.length - actual!.processed,
      deadLetters: actual!.dead,
      kills,
      retriedAnsweredAsDuplicate: duplicatesAnswered,
    };
    console.log(`webhook flood under SIGKILL: ${JSON.stringify(figures)}`);
    expect(acknowledged.size).toBe(events.length);
    expect(figures.duplicated).toBe(0);
    expect(figures.lost).toBe(0);
    expect(actual!.dead).toBe(0);
    expect(actual!.orders).toBe(shop.orders);
    // The ledger's row count may differ (a cancel processed before its create earns nothing instead of
    // earning and clawing back); what a customer holds may not.
    expect({
      orders: actual!.orders,
      profiles: actual!.profiles,
      spend: actual!.spend,
      points: actual!.points,
    }).toEqual({
      orders: expected.orders,
      profiles: expected.profiles,
      spend: expected.spend,
      points: expected.points,
    });
  });
});
