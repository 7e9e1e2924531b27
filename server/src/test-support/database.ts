import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { openDatabase, type Database } from "../db/client";

export type TestDbKind = "pglite" | "postgres";

export const testDbKind = (): TestDbKind => (process.env.C360_TEST_DB === "postgres" ? "postgres" : "pglite");
const adminUrl = () => process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * A fresh, migrated database for one test: in-memory PGlite, or a new database on the real PostgreSQL
 * server that is dropped again on close.
 */
export async function openTestDatabase(
  kind: TestDbKind = testDbKind(),
  opts: { max?: number } = {},
): Promise<Database & { url?: string }> {
  if (kind === "pglite")
    return openDatabase({ pglite: (await (await (migratedTemplate ??= migratedPglite())).clone()) as PGlite });
  const name = `c360_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(adminUrl(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), max: opts.max ?? 5 });
  return {
    ...database,
    url: url.toString(),
    async close() {
      await database.close();
      const cleanup = postgres(adminUrl(), { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await cleanup.end();
    },
  };
}

/** Booting and migrating PGlite takes a second or two; each test gets a clone of one migrated instance instead. */
let migratedTemplate: Promise<PGlite> | undefined;
async function migratedPglite(): Promise<PGlite> {
  const template = new PGlite();
  await openDatabase({ pglite: template });
  return template;
}
