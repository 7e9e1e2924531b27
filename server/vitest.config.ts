import { defineConfig } from "vitest/config";

/** Every server test runs twice: on embedded PGlite and on the real PostgreSQL server. */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: "pglite", include: ["src/**/*.test.ts"], env: { C360_TEST_DB: "pglite" } } },
      { extends: true, test: { name: "postgres", include: ["src/**/*.test.ts"], env: { C360_TEST_DB: "postgres" } } },
    ],
  },
});
