import { shopifyDelivery } from "@c360/server/seed/delivery";
import type { GeneratedShop } from "@c360/server/seed/generate";
import type { Bench } from "../context";
import { cpuDuring } from "../cpu";
import type { HttpRequest } from "../load/jobs";
import { fmt } from "../measure";

/** Clients in flight for the intake and for its baseline. */
const CONCURRENCY = 20;
/**
 * The first deliveries warm the server up (JIT, the pool's prepared statements) and are not timed: a small run
 * has only a few thousand, and cold code made up much of its time. They are stored like the rest.
 */
const warmUpOf = (deliveries: number) => Math.min(2000, Math.floor(deliveries / 4));

/**
 * Webhook intake: every generated event, signed beforehand, delivered once from the load process; beside
 * it, single-row INSERTs of a sample payload from the same process at the same concurrency.
 */
export async function measureIntake(b: Bench, shop: GeneratedShop) {
  await b.raw`CREATE TABLE IF NOT EXISTS bench_scratch (id bigint primary key, payload jsonb)`;
  const sample = JSON.stringify(shop.events[1]?.payload ?? {});
  const insertBase = await b.load.run({
    kind: "sql",
    databaseUrl: b.databaseUrl,
    concurrency: CONCURRENCY,
    amount: 5000,
    statement: "INSERT INTO bench_scratch (id, payload) VALUES ($1, $2::jsonb)",
    params: Array.from({ length: 5000 }, (_, i) => [i, sample]),
  });
  const deliveries: HttpRequest[] = shop.events.map((e) => {
    const d = shopifyDelivery(e, b.shopId, b.secret);
    return { method: "POST", path: "/webhooks/shopify", headers: d.headers as Record<string, string>, body: d.body };
  });
  const warmUp = deliveries.splice(0, warmUpOf(deliveries.length));
  await b.load.run({ kind: "http", url: b.base, connections: CONCURRENCY, amount: warmUp.length, requests: warmUp });
  const measured = await cpuDuring(b.raw, () =>
    b.load.run({
      kind: "http",
      url: b.base,
      connections: CONCURRENCY,
      amount: deliveries.length,
      requests: deliveries,
    }),
  );
  const intake = measured.value;
  const us = (ms: number | undefined, calls: number) => fmt(((ms ?? NaN) / calls) * 1000);
  b.plans.push(
    "Webhook intake, CPU per call (µs; from /proc and process.cpuUsage): " +
      `delivery over HTTP: server ${us(measured.nodeMs, intake.requests)}, ` +
      `PostgreSQL ${us(measured.postgresMs, intake.requests)}, ` +
      `load process ${us(intake.loadCpuMs, intake.requests)}; ` +
      `single-row INSERT: PostgreSQL ${us(insertBase.postgresCpuMs, insertBase.requests)}, ` +
      `driver ${us(insertBase.loadCpuMs, insertBase.requests)}.`,
  );
  b.rows.push({
    what: "webhook intake",
    figure:
      `${fmt(intake.perSecond)} deliveries/s ` +
      `(p50 ${fmt(intake.p50, 1)} ms, p99 ${fmt(intake.p99, 1)} ms, ${CONCURRENCY} clients; ` +
      `timed after ${fmt(warmUp.length)} warm-up deliveries)`,
    baseline: `${fmt(insertBase.perSecond)} single-row INSERT/s`,
    ratio: fmt(intake.perSecond / insertBase.perSecond, 2),
    target: ">= 3,000/s",
    note: intake.perSecond >= 3000 ? "met" : "missed",
  });
}
