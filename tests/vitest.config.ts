import { defineConfig } from "vitest/config";

/** Cross-package tests: real server processes, real databases, browsers. Slow by nature. */
export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**"],
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
