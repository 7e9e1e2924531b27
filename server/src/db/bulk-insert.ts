import { once } from "node:events";
import type { Writable } from "node:stream";
import { sql } from "drizzle-orm";
import type postgres from "postgres";
import type { Queryable } from "./client";

/** A column of a bulk insert, with its SQL type (PGlite reads the rows through `json_to_recordset`). */
export interface BulkColumn {
  name: string;
  type: "text" | "timestamptz" | "jsonb" | "bigint" | "integer" | "real" | "numeric";
  /**
   * Values the caller made (IDs, codes) that never hold a tab, newline,
   * carriage return or backslash: COPY skips the escape check.
   */
  plain?: boolean;
}

/** The postgres-js connection under a drizzle database or transaction; null on PGlite. */
export function postgresClientOf(q: Queryable): postgres.Sql | null {
  const client = (q as unknown as { session?: { client?: unknown } }).session?.client as
    | { unsafe?: unknown; query?: unknown }
    | undefined;
  return client && typeof client.unsafe === "function" && typeof client.query !== "function"
    ? (client as postgres.Sql)
    : null;
}

const PGLITE_ROWS_PER_STATEMENT = 2_000;
const COPY_BUFFER_CHARS = 1 << 18;

/**
 * Inserts many rows in the caller's transaction: COPY on PostgreSQL (the fastest way in), multi-row
 * INSERTs from one JSON parameter on PGlite. `rows` is read once, lazily, so it can be a generator.
 * Returns how many rows went in.
 */
export async function bulkInsert(
  q: Queryable,
  table: string,
  columns: readonly BulkColumn[],
  rows: Iterable<readonly unknown[]>,
): Promise<number> {
  const client = postgresClientOf(q);
  return client ? copyIn(client, table, columns, rows) : insertInChunks(q, table, columns, rows);
}

async function copyIn(
  client: postgres.Sql,
  table: string,
  columns: readonly BulkColumn[],
  rows: Iterable<readonly unknown[]>,
): Promise<number> {
  const names = columns.map((c) => quoteIdent(c.name)).join(", ");
  const stream = (await client
    .unsafe(`COPY ${quoteIdent(table)} (${names}) FROM STDIN`)
    .writable()) as unknown as Writable;
  let failed: Error | null = null;
  stream.on("error", (error) => void (failed ??= error));
  const finished = once(stream, "finish");
  const plain = columns.map((c) => c.plain === true);
  // Rows are joined from flat strings and sent a few hundred KB at a time: a string grown value by value,
  // or a buffer written value by value, cost more than PostgreSQL's side of the COPY.
  const values: string[] = new Array(columns.length);
  let lines: string[] = [];
  let size = 0;
  const send = async () => {
    if (failed) throw failed;
    lines.push("");
    const full = stream.write(lines.join("\n"));
    lines = [];
    size = 0;
    if (!full) await Promise.race([once(stream, "drain"), finished]);
  };
  let count = 0;
  for (const row of rows) {
    for (let i = 0; i < values.length; i++) {
      const value = row[i];
      values[i] = plain[i] && typeof value === "string" ? value : copyText(value);
    }
    const line = values.join("\t");
    lines.push(line);
    size += line.length;
    count++;
    if (size >= COPY_BUFFER_CHARS) await send();
  }
  if (lines.length > 0) await send();
  stream.end();
  await finished;
  if (failed) throw failed;
  return count;
}

/** COPY's text format: `\N` is NULL; backslash, tab, newline and carriage return are escaped. */
function copyText(value: unknown): string {
  if (typeof value === "string")
    return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPED, (c) => COPY_ESCAPES[c]!) : value;
  if (value === null || value === undefined) return "\\N";
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return isoTimestamp(value);
  return copyText(JSON.stringify(value));
}
const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPED = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

const DAY_MS = 86_400_000;
const dayPrefixes = new Map<number, string>();
const pad = (n: number, width: number) => String(n).padStart(width, "0");
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => pad(n, 2));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => pad(n, 3));

/** `Date#toISOString`, several times faster: a million rows carry a few million timestamps. */
export function isoTimestamp(date: Date): string {
  const t = date.getTime();
  if (!(t >= 0 && t < 253_402_300_800_000)) return date.toISOString(); // before 1970 or after 9999
  const day = Math.floor(t / DAY_MS);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = date.toISOString().slice(0, 11);
    if (dayPrefixes.size > 100_000) dayPrefixes.clear();
    dayPrefixes.set(day, prefix);
  }
  let rest = t - day * DAY_MS;
  const ms = rest % 1000;
  rest = (rest - ms) / 1000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  const hours = (rest - minutes) / 60;
  return `${prefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[ms]}Z`;
}

async function insertInChunks(
  q: Queryable,
  table: string,
  columns: readonly BulkColumn[],
  rows: Iterable<readonly unknown[]>,
): Promise<number> {
  const names = sql.raw(columns.map((c) => quoteIdent(c.name)).join(", "));
  const shape = sql.raw(columns.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(", "));
  let count = 0;
  let chunk: Record<string, unknown>[] = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    await q.execute(
      sql`INSERT INTO ${sql.identifier(table)} (${names}) SELECT ${names}
        FROM json_to_recordset(${JSON.stringify(chunk)}::json) AS x(${shape})`,
    );
    chunk = [];
  };
  for (const row of rows) {
    const record: Record<string, unknown> = {};
    columns.forEach((c, i) => (record[c.name] = row[i] ?? null));
    chunk.push(record);
    count++;
    if (chunk.length >= PGLITE_ROWS_PER_STATEMENT) await flush();
  }
  await flush();
  return count;
}

const quoteIdent = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain SQL identifier: ${name}`);
  return name;
};
