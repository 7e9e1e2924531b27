import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dbLabel, startTestServer, type TestServer } from "../test-support/harness";

describe(`settings refusals name their fields in words (${dbLabel()})`, () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  it("answers each refused field with a sentence the form can place, and stores nothing", async () => {
    const res = await t.api("PUT", "/api/settings", {
      body: { timeZone: "Mars/Olympus", defaultCountry: "XX", lifecycle: { atRiskDays: 0 }, caps: { sms: 101 } },
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toBe("invalid_input");
    expect(body.fields).toEqual([
      { field: "timeZone", message: "Time zone must be an IANA time zone such as Europe/Berlin" },
      { field: "defaultCountry", message: "Default country must be a two-letter country code such as US or DE" },
      { field: "lifecycle.atRiskDays", message: "At-risk must be at least 1 day" },
      { field: "caps.sms", message: "The daily SMS cap must be at most 100 messages" },
    ]);
    // The raw issues stay for API callers that read them.
    expect(body.issues).toContain("lifecycle.atRiskDays: Too small: expected number to be >=1");
    expect((await (await t.api("GET", "/api/settings")).json()).overrides).toEqual({});
  });

  it("puts the window rule on the churned field and an unknown key on no field", async () => {
    const crossed = await (await t.api("PUT", "/api/settings", { body: { lifecycle: { atRiskDays: 120 } } })).json();
    expect(crossed.fields).toEqual([
      { field: "lifecycle.churnedDays", message: "Churned must be longer than at-risk" },
    ]);
    const unknown = await (await t.api("PUT", "/api/settings", { body: { shopName: "x" } })).json();
    expect(unknown.fields).toEqual([{ field: null, message: "shopName is not a setting" }]);
  });
});
