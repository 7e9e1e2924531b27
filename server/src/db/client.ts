import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./schema";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything that runs queries: the database or an open transaction. */
export type Queryable = Db | Tx;

export interface Database {
  db: Db;
  kind: "postgres" | "pglite";
  close(): Promise<void>;
}

const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

export class DatabaseUnavailableError extends Error {}

/**
 * A postgres:// URL means PostgreSQL; otherwise embedded PGlite in `dataDir` (or in memory, or `pglite` when given).
 */
export async function openDatabase(opts: {
  url?: string | undefined;
  dataDir?: string | undefined;
  max?: number;
  pglite?: PGlite;
}): Promise<Database> {
  if (opts.url) {
    const client = postgres(opts.url, {
      max: opts.max ?? 10,
      onnotice: () => {},
      connect_timeout: 5,
      // No JIT for the app's statements: they are short, and the planner's guess at a neighbourhood's size (it
      // cannot see the names a push brings) once made a 9 ms read spend 0.4 s compiling. Whole-set passes turn
      // it off anyway (`withWholeSetPlanning`).
      connection: { jit: "off" },
      // numeric and bigint columns are mapped by drizzle; keep timestamps as Date
    });
    const db = drizzlePostgres(client, { schema }) as unknown as Db;
    serializeDatesAsIso(client);
    try {
      await client`select 1`;
    } catch (error) {
      await client.end({ timeout: 1 }).catch(() => {});
      throw new DatabaseUnavailableError(
        `cannot reach PostgreSQL at ${redactUrl(opts.url)}: ${(error as Error).message}`,
      );
    }
    await migratePostgres(drizzlePostgres(client), { migrationsFolder });
    serializeDatesAsIso(client);
    return { db, kind: "postgres", close: () => client.end({ timeout: 5 }) };
  }
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const client = opts.pglite ?? (opts.dataDir ? new PGlite(opts.dataDir) : new PGlite());
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  await migratePglite(drizzlePglite(client), { migrationsFolder });
  return { db, kind: "pglite", close: () => client.close() };
}

/**
 * drizzle turns postgres-js's date serializers off (its own columns send strings); raw `sql` queries pass
 * Date objects, so those are sent as ISO 8601 rather than Date#toString.
 */
function serializeDatesAsIso(client: postgres.Sql) {
  const toIso = (x: unknown) => (x instanceof Date ? x.toISOString() : x);
  for (const type of [1082, 1083, 1114, 1184])
    (client.options.serializers as Record<number, (x: unknown) => unknown>)[type] = toIso;
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+)(:[^@/]*)?@/, "//$1:***@");
}
