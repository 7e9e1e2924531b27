import { defineConfig } from "vitest/config";

export default defineConfig({
  // The offline label is "HH:MM" in the register's clock; tests read it in UTC.
  test: { include: ["src/**/*.test.{ts,tsx}"], env: { TZ: "UTC" }, testTimeout: 20_000 },
});
