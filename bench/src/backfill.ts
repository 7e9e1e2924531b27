/**
 * The identity backfill benchmark: a deterministic customer export (every customer a Shopify ID, some an
 * email and a phone, 3% sharing one with an earlier customer) backfilled into a fresh shop through the
 * real service, beside a plain COPY of the same identifier rows into a scratch table.
 */
import { readFileSync } from "node:fs";
import { bulkInsert } from "@c360/server/db/bulk-insert";
import { openDatabase, type Database } from "@c360/server/db/client";
import { queryRows } from "@c360/server/db/rows";
import {
  BACKFILL_CHUNK,
  BACKFILL_READERS,
  runIdentityBackfillFromLines,
} from "@c360/server/services/identity/backfill/identity-backfill";
import { prng } from "@c360/server/seed/generate";
import { sql } from "drizzle-orm";
import { fmt } from "./measure";
import { CITIES, GIVEN_NAMES, STREETS, SURNAMES } from "./people-pools";

export interface BackfillMix {
  /** Share of customers with an email, and with a phone; every customer has a Shopify ID. */
  email: number;
  phone: number;
  /** Share of customers who give an email or phone an earlier customer already gave. */
  duplicates: number;
}

/** ~1.5 identifiers per customer with the Shopify ID counted, as the benchmark target states it. */
export const TARGET_MIX: BackfillMix = { email: 0.36, phone: 0.14, duplicates: 0.03 };

const AREAS = ["415", "212", "646", "312", "617", "206"];
/** Each city its own 4,000 five-digit postcodes (10000 to 89999 for the 20 cities). */
const POSTCODES_PER_CITY = 4_000;

/** The export as NDJSON lines, and its identifier rows (customer, kind, raw value) for the baseline. */
export function generateCustomerExport(customers: number, mix: BackfillMix = TARGET_MIX, seed = 20261125) {
  const rnd = prng(seed);
  const lines: string[] = [];
  const identifierRows: string[][] = [];
  // Customers whose email or phone a later one may give again, with what that one then shares.
  const emails: { email: string; person: Person }[] = [];
  const phones: { phone: string; person: Person }[] = [];
  const start = Date.UTC(2019, 0, 1);
  for (let i = 0; i < customers; i++) {
    const id = 4_000_000_000 + i;
    // A city's postcodes are its own, so strangers with one name seldom share a street, a city and a postcode.
    const city = rnd.int(0, CITIES.length - 1);
    let person: Person = {
      first: capitalized(rnd.pick(GIVEN_NAMES)),
      last: capitalized(rnd.pick(SURNAMES)),
      address1: `${rnd.int(1, 999)} ${capitalized(rnd.pick(STREETS))} St`,
      city: capitalized(CITIES[city]!),
      zip: String(10_000 + city * POSTCODES_PER_CITY + rnd.int(0, POSTCODES_PER_CITY - 1)),
    };
    let email = rnd.chance(mix.email) ? `${person.first}.${person.last}.${i}@mail-${i % 97}.com`.toLowerCase() : null;
    let phone = rnd.chance(mix.phone) ? phoneNumber(i, rnd.int(0, 2)) : null;
    if (i > 0 && rnd.chance(mix.duplicates)) {
      // The same email or phone as someone already in the export, at their address: half of them the same
      // person again (a second account), half their household (another given name). A shop with no such pairs
      // gives the duplicate pass nothing to learn a person from.
      let earlier: Person | undefined;
      if ((rnd.chance(0.6) || phones.length === 0) && emails.length > 0) {
        const shared = emails[rnd.int(0, emails.length - 1)]!;
        [email, earlier] = [shared.email, shared.person];
      } else if (phones.length > 0) {
        const shared = phones[rnd.int(0, phones.length - 1)]!;
        [phone, earlier] = [shared.phone, shared.person];
      }
      if (earlier) person = { ...earlier, first: rnd.chance(0.5) ? earlier.first : person.first };
    } else {
      if (email) emails.push({ email, person });
      if (phone) phones.push({ phone, person });
    }
    const created = new Date(start + rnd.int(0, 2_500) * 86_400_000 + rnd.int(0, 86_399) * 1000).toISOString();
    const record = {
      id,
      email,
      phone,
      first_name: person.first,
      last_name: person.last,
      created_at: created,
      updated_at: created,
      default_address: { zip: person.zip, address1: person.address1, city: person.city, country_code: "US" },
      tags: "",
      verified_email: email !== null,
    };
    lines.push(JSON.stringify(record));
    identifierRows.push([String(id), "shopify", String(id)]);
    if (email) identifierRows.push([String(id), "email", email]);
    if (phone) identifierRows.push([String(id), "phone", phone]);
  }
  return { lines, identifierRows };
}

interface Person {
  first: string;
  last: string;
  address1: string;
  city: string;
  zip: string;
}

const capitalized = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** A valid US number written the ways clerks and customers write them. */
function phoneNumber(i: number, style: number): string {
  const area = AREAS[i % AREAS.length]!;
  const local = String(2_000_000 + Math.floor(i / AREAS.length)).padStart(7, "0");
  if (style === 0) return `+1${area}${local}`;
  if (style === 1) return `(${area}) ${local.slice(0, 3)}-${local.slice(3)}`;
  return `${area}-${local.slice(0, 3)}-${local.slice(3)}`;
}

/** The CLI's default: a chunk per transaction keeps memory bounded and lets webhooks in between. */
const DEFAULT_CHUNK = BACKFILL_CHUNK;

export async function measureBackfill(opts: {
  url: string;
  shopId: string;
  customers: number;
  mix?: BackfillMix;
  chunkSize?: number;
  readers?: number;
}): Promise<{
  figure: string;
  baseline: string;
  ratio: string;
  note: string;
  seconds: number;
  copySeconds: number;
  chunkSeconds: number;
}> {
  let lines: string[] = generateCustomerExport(opts.customers, opts.mix).lines;
  const database = await openDatabase({ url: opts.url, max: 4 });
  try {
    const [existing] = await queryRows<{ n: number | string }>(
      database.db,
      sql`SELECT count(*) AS n FROM profiles WHERE shop_id = ${opts.shopId}`,
    );
    if (Number(existing!.n) > 0)
      throw new Error(`measureBackfill needs a fresh shop; ${opts.shopId} already has profiles`);

    const pgCpuStarted = await postgresCpu(database);
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const mainThreadStarted = mainThreadCpu();
    // Lines as the CLI reads a file, handed to the reader workers: only the chunk being written is held as events.
    const exportLines = (function* (): Generator<string> {
      for (let n = 0; n < lines.length; n++) {
        const line = lines[n]!;
        lines[n] = ""; // consumed, as a line read from a file would be
        yield line;
      }
    })();
    let chunksDone = { seconds: 0, mainThread: 0, node: 0 };
    const readers = opts.readers ?? BACKFILL_READERS;
    const counts = await runIdentityBackfillFromLines(database, opts.shopId, exportLines, {
      clock: () => new Date(),
      chunkSize: opts.chunkSize ?? DEFAULT_CHUNK,
      readers,
      onChunk: () => {
        const used = process.cpuUsage(cpuStarted);
        chunksDone = {
          seconds: (performance.now() - started) / 1000,
          mainThread: (mainThreadCpu() - mainThreadStarted) / 100,
          node: (used.user + used.system) / 1e6,
        };
      },
    });
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStarted);
    const mainThreadSeconds = (mainThreadCpu() - mainThreadStarted) / 100;
    const pgCpu = await postgresCpu(database);
    const pgSeconds = [...pgCpu].reduce((sum, [pid, ticks]) => sum + ticks - (pgCpuStarted.get(pid) ?? 0), 0) / 100;
    lines = [];

    // The same export again, for the baseline's rows (generated after the
    // timing, so the backfill's heap holds only the export).
    const { identifierRows } = generateCustomerExport(opts.customers, opts.mix);

    await database.db.execute(sql`DROP TABLE IF EXISTS bench_backfill_scratch`);
    await database.db.execute(sql`CREATE TABLE bench_backfill_scratch (customer_id text, kind text, value text)`);
    const copyStarted = performance.now();
    await database.db.transaction((tx) =>
      bulkInsert(
        tx,
        "bench_backfill_scratch",
        [
          { name: "customer_id", type: "text" },
          { name: "kind", type: "text" },
          { name: "value", type: "text" },
        ],
        identifierRows,
      ),
    );
    const copySeconds = (performance.now() - copyStarted) / 1000;
    await database.db.execute(sql`DROP TABLE bench_backfill_scratch`);

    const [stored] = await queryRows<{ identifiers: number | string; proposed: number | string }>(
      database.db,
      sql`SELECT (SELECT count(*) FROM identifiers WHERE shop_id = ${opts.shopId}) AS identifiers,
                 (SELECT count(*) FROM merge_candidates WHERE shop_id = ${opts.shopId} AND kind = 'probabilistic')
                   AS proposed`,
    );
    return {
      figure: `${fmt(seconds, 1)} s for ${fmt(counts.customers)} customers (${fmt(identifierRows.length)} identifiers)`,
      baseline: `${fmt(copySeconds, 1)} s COPY of the ${fmt(identifierRows.length)} identifier rows`,
      ratio: `${fmt(seconds / copySeconds, 1)}x slower`,
      note:
        `the chunks ${fmt(chunksDone.seconds, 1)} s (CPU ${fmt(chunksDone.node, 1)} s in Node, ` +
        `${fmt(chunksDone.mainThread, 1)} s on its main thread, the rest ${readers} reader ` +
        `worker${readers === 1 ? "" : "s"}, GC and I/O), then the whole-shop duplicate pass ` +
        `${fmt(seconds - chunksDone.seconds, 1)} s; CPU in all: ${fmt((cpu.user + cpu.system) / 1e6, 1)} s in Node ` +
        `(${fmt(mainThreadSeconds, 1)} s on its main thread)` +
        (pgCpu.size > 0 ? `, ${fmt(pgSeconds, 1)} s in PostgreSQL backends; ` : "; ") +
        `${fmt(counts.profilesCreated)} profiles, ` +
        `${fmt(Number(stored!.identifiers))} identifiers, ${fmt(counts.candidates)} duplicate candidates, ` +
        `${fmt(counts.merged)} merged, ${fmt(Number(stored!.proposed))} pairs proposed by the duplicate pass`,
      seconds,
      copySeconds,
      chunkSeconds: chunksDone.seconds,
    };
  } finally {
    await database.close();
  }
}

/** CPU ticks (1/100 s) each PostgreSQL backend of this database has used, when the server runs on this machine. */
async function postgresCpu(database: Database): Promise<Map<number, number>> {
  const rows = await queryRows<{ pid: number }>(
    database.db,
    sql`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`,
  );
  const ticks = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      ticks.set(pid, Number(fields[11]) + Number(fields[12]));
    } catch {
      // another machine's PostgreSQL: no CPU figure
    }
  }
  return ticks;
}

/**
 * CPU ticks of this process's main thread (the rest of Node's CPU is garbage
 * collection and I/O helpers); 0 where /proc is missing.
 */
function mainThreadCpu(): number {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}
