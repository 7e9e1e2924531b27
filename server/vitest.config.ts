import postgres from "postgres";
import { defineConfig } from "vitest/config";

const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function postgresReachable(): Promise<boolean> {
  const client = postgres(testDatabaseUrl, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await client`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await client.end({ timeout: 1 }).catch(() => {});
  }
}

/**
 * Every server test runs twice: on embedded PGlite and on a real PostgreSQL server. Without a reachable
 * server the PostgreSQL half is skipped with a warning, except in CI (C360_REQUIRE_POSTGRES=1), where it fails.
 */
export default defineConfig(async () => {
  const withPostgres = await postgresReachable();
  if (!withPostgres) {
    const message = `PostgreSQL is not reachable at ${testDatabaseUrl.replace(/:[^:@/]*@/, ":***@")}`;
    if (process.env.C360_REQUIRE_POSTGRES === "1") throw new Error(`${message}; CI needs it (set TEST_DATABASE_URL)`);
    console.warn(`\n!! ${message}: running the server tests on PGlite only\n`);
  }
  const project = (name: "pglite" | "postgres") => ({
    extends: true as const,
    test: { name, include: ["src/**/*.test.ts"], env: { C360_TEST_DB: name, TEST_DATABASE_URL: testDatabaseUrl } },
  });
  return {
    test: {
      testTimeout: 60_000,
      hookTimeout: 60_000,
      projects: withPostgres ? [project("pglite"), project("postgres")] : [project("pglite")],
    },
  };
});
