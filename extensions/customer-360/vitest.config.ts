import { defineConfig } from "vitest/config";

export default defineConfig({
  // Preact's automatic JSX runtime, as the bundle uses.
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  test: {
    include: ["src/**/*.test.{ts,tsx}"],
    // Targets render into a DOM, as Shopify's extension tester expects (each test file is its own environment).
    environment: "jsdom",
    // The tester imports each target's module itself; inlined, that import goes through Vite's TSX transform.
    server: { deps: { inline: ["@shopify/ui-extensions-tester"] } },
    // The offline label is "HH:MM" in the register's clock; tests read it in UTC.
    env: { TZ: "UTC" },
    testTimeout: 20_000,
  },
});
