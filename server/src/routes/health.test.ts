import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dbLabel, startTestServer, type TestServer } from "../test-support/harness";

describe(`GET /healthz (${dbLabel()})`, () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  it("names the database it runs on", async () => {
    const res = await t.api("GET", "/healthz", { token: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, database: dbLabel() });
  });
});
