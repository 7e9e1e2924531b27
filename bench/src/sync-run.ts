/**
 * `npx tsx src/sync-run.ts [--mutations 10000] [--batch 500] [--profiles 0] [--count]`: the offline-sync
 * row of bench.ts on its own. A fresh PostgreSQL database, the server runtime over HTTP, one paired
 * device pushing `customer.capture` mutations in batches exactly as bench.ts does; prints the time.
 * `--profiles N` fills the shop to N profiles first (fill.ts); `--count` prints the statements the
 * server ran, grouped by their first words, with the time spent awaiting each kind; `--mix` pushes what a
 * companion day looks like instead (per customer: capture, email consent, visit, note).
 */
import { parseArgs } from "node:util";
import { openDatabase, type Database } from "@c360/server/db/client";
import { DEFAULT_CONSENT_TEXTS } from "@c360/shared";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { benchRuntime, serveBenchRuntime } from "./bench-runtime";
import { fillShop } from "./fill";
import { fmt, timed } from "./measure";
import { createFreshDatabase } from "./fresh-database";

const { values } = parseArgs({
  options: {
    mutations: { type: "string", default: "10000" },
    batch: { type: "string", default: "500" },
    profiles: { type: "string", default: "0" },
    count: { type: "boolean", default: false },
    mix: { type: "boolean", default: false },
  },
});
const total = Number(values.mutations);
const batch = Number(values.batch);
const profiles = Number(values.profiles);
const SHOP = "bench-shop.myshopify.com";

const fresh = await createFreshDatabase("c360_syncrun");
const url = new URL(fresh.url);

const opened = await openDatabase({ url: url.toString(), max: 20 });
const statements = new Map<string, { n: number; ms: number }>();
const database = values.count ? countingDatabase(opened, statements) : opened;
const runtime = await benchRuntime(database, url.toString());
const { server, base } = await serveBenchRuntime(runtime);
const raw = postgres(url.toString(), { max: 4, onnotice: () => {} });

try {
  await raw`INSERT INTO shops (shop_id) VALUES (${SHOP}) ON CONFLICT DO NOTHING`;
  if (profiles > 0) {
    const fill = await timed(() => fillShop(raw, SHOP, { from: 0, total: profiles, now: new Date() }));
    console.log(`filled the shop to ${profiles.toLocaleString()} profiles in ${fmt(fill.ms / 1000, 1)} s`);
  }
  const code = "BENCH123";
  await raw`INSERT INTO pairing_codes (shop_id, code, expires_at)
    VALUES (${SHOP}, ${code}, now() + interval '10 minutes')`;
  const pair = await fetch(`${base}/api/sync/pair`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ code, deviceName: "bench tablet" }),
  });
  if (!pair.ok) throw new Error(`pair answered ${pair.status}: ${await pair.text()}`);
  const device = (await pair.json()) as { token: string };
  const clientId = `bench-client-${Date.now()}`;
  const mutations = values.mix
    ? companionDay(total)
    : Array.from({ length: total }, (_, i) => ({
        seq: i + 1,
        id: crypto.randomUUID(),
        name: "customer.capture",
        args: {
          localId: crypto.randomUUID(),
          firstName: "Pop",
          lastName: `Up ${i}`,
          email: `popup${i}@market-stall.com`,
        },
        createdAt: new Date().toISOString(),
      }));
  statements.clear();
  const perRequest: number[] = [];
  const sync = await timed(async () => {
    for (let i = 0; i < mutations.length; i += batch) {
      const t0 = performance.now();
      const res = await fetch(`${base}/api/sync/push`, {
        method: "POST",
        headers: { authorization: `Bearer ${device.token}`, "content-type": "application/json" },
        body: JSON.stringify({ clientId, mutations: mutations.slice(i, i + batch) }),
      });
      if (!res.ok) throw new Error(`sync push answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
      perRequest.push(performance.now() - t0);
    }
  });
  const [counts] = await raw<{ profiles: string; applied: string }[]>`
    SELECT (SELECT count(*) FROM profiles WHERE shop_id = ${SHOP}) AS profiles,
           (SELECT count(*) FROM sync_mutations WHERE shop_id = ${SHOP} AND status = 'applied') AS applied`;
  console.log(
    `offline sync: ${fmt(sync.ms / 1000, 2)} s for ${total.toLocaleString()} mutations in batches of ${batch}` +
      ` (per request: first ${fmt(perRequest[0]!, 0)} ms, last ${fmt(perRequest.at(-1)!, 0)} ms); ` +
      `applied ${counts!.applied}, shop now holds ${Number(counts!.profiles).toLocaleString()} profiles`,
  );
  if (values.count) {
    const sum = [...statements.values()].reduce((a, b) => a + b.n, 0);
    const ms = [...statements.values()].reduce((a, b) => a + b.ms, 0);
    console.log(
      `${sum.toLocaleString()} statements (${fmt(sum / total, 2)} per mutation), ${fmt(ms / 1000, 2)} s awaiting them:`,
    );
    console.log("    count   total ms  statement");
    for (const [what, c] of [...statements].sort((a, b) => b[1].ms - a[1].ms))
      console.log(`  ${String(c.n).padStart(7)}  ${fmt(c.ms, 0).padStart(9)}  ${what}`);
  }
} finally {
  server.close();
  await raw.end();
  await runtime.close();
  await fresh.drop();
}

/** Per customer a capture, an email consent in the shop's default wording, a visit and a note. */
function companionDay(total: number) {
  const emailText = DEFAULT_CONSENT_TEXTS.find((t) => t.channel === "email" && t.locale === "en")!;
  const at = new Date().toISOString();
  const out: { seq: number; id: string; name: string; args: unknown; createdAt: string }[] = [];
  for (let i = 0; out.length < total; i++) {
    const localId = crypto.randomUUID();
    const kinds = [
      {
        name: "customer.capture",
        args: { localId, firstName: "Pop", lastName: `Up ${i}`, email: `popup${i}@market-stall.com` },
      },
      {
        name: "consent.record",
        args: { localId, channel: "email", action: "granted", textVersion: emailText.version, text: emailText.text },
      },
      { name: "visit.log", args: { localId, at } },
      { name: "profile.note", args: { localId, note: `note ${i}` } },
    ];
    for (const k of kinds.slice(0, total - out.length))
      out.push({ seq: out.length + 1, id: crypto.randomUUID(), ...k, createdAt: at });
  }
  return out;
}

/** Counts and times every statement the server sends, on the database handle and inside its transactions. */
function countingDatabase(inner: Database, into: Map<string, { n: number; ms: number }>): Database {
  const dialect = new PgDialect();
  const count = async (statement: SQL, run: () => Promise<unknown>) => {
    const text = dialect.sqlToQuery(statement).sql.replace(/\s+/g, " ").trim().slice(0, 90);
    const t0 = performance.now();
    try {
      return await run();
    } finally {
      const c = into.get(text) ?? { n: 0, ms: 0 };
      c.n++;
      c.ms += performance.now() - t0;
      into.set(text, c);
    }
  };
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, prop) {
        const value = Reflect.get(t, prop, t) as unknown;
        if (prop === "execute")
          return (statement: SQL) => count(statement, () => (value as (s: SQL) => Promise<unknown>).call(t, statement));
        if (prop === "transaction") {
          return (fn: (tx: unknown) => unknown, cfg?: unknown) =>
            (value as (f: (tx: object) => unknown, c?: unknown) => unknown).call(t, (tx: object) => fn(wrap(tx)), cfg);
        }
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(t) : value;
      },
    });
  return { ...inner, db: wrap(inner.db) };
}
