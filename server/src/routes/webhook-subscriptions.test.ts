import { readFileSync } from "node:fs";
import { WEBHOOK_API_VERSION, WEBHOOK_TOPICS } from "@c360/shared";
import { afterEach, describe, expect, it } from "vitest";
import { dbLabel, startTestServer, type TestServer } from "../test-support/harness";
import { customerPayload } from "../test-support/payloads";

const toml = readFileSync(new URL("../../../shopify.app.toml", import.meta.url), "utf8");
const COMPLIANCE = ["customers/data_request", "customers/redact", "shop/redact"];

describe(`webhook subscriptions and API version (${dbLabel()})`, () => {
  let t: TestServer | undefined;
  afterEach(async () => t?.close());

  it("shopify.app.toml subscribes, in the version we read, to exactly the topics the server handles", () => {
    expect(toml.match(/^api_version = "([^"]+)"/m)?.[1]).toBe(WEBHOOK_API_VERSION);
    const subscribed = [...toml.matchAll(/^\s+"([a-z_]+\/[a-z_]+)",?$/gm)].map((m) => m[1]!);
    expect(subscribed.sort()).toEqual(WEBHOOK_TOPICS.filter((topic) => !COMPLIANCE.includes(topic)).sort());
    expect(toml).toContain(`compliance_topics = [${COMPLIANCE.map((topic) => `"${topic}"`).join(", ")}]`);
  });

  it("logs a delivery in another API version than the one subscribed, and still takes it", async () => {
    const events: Record<string, unknown>[] = [];
    t = await startTestServer({ log: (e) => events.push(e) });
    const current = await t.webhook("customers/create", customerPayload({ id: 1, email: "a@example.com" }));
    expect(current.status).toBe(200);
    expect(events.filter((e) => e.msg === "webhook API version differs from the subscribed one")).toEqual([]);
    const older = await t.webhook("customers/create", customerPayload({ id: 2 }), { headers: { "x-shopify-api-version": "2024-01" } });
    expect(older.status).toBe(200);
    expect(events.filter((e) => e.msg === "webhook API version differs from the subscribed one")).toEqual([
      expect.objectContaining({ level: "warn", topic: "customers/create", apiVersion: "2024-01", subscribed: WEBHOOK_API_VERSION }),
    ]);
  });
});
