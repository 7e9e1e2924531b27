import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dbLabel, startTestServer, type TestServer } from "../test-support/harness";

describe(`GET /api/sync/consent-texts (${dbLabel()})`, () => {
  let t: TestServer;
  let deviceToken = "";
  beforeAll(async () => {
    t = await startTestServer();
    const { code } = await (await t.api("POST", "/api/devices/pairing-codes", { body: {} })).json();
    deviceToken = (
      await (await t.api("POST", "/api/sync/pair", { token: null, body: { code, deviceName: "Till tablet" } })).json()
    ).token;
  });
  afterAll(async () => t.close());

  it("gives a paired tablet the shop's current texts, the newest version of each", async () => {
    const published = await t.api("POST", "/api/consent-texts", {
      body: { channel: "sms", locale: "en", text: "Text me offers from Oak & Ivy. Reply STOP to end." },
    });
    expect(published.status).toBe(201);
    const res = await t.api("GET", "/api/sync/consent-texts", { token: deviceToken });
    expect(res.status).toBe(200);
    const { texts } = await res.json();
    const sms = texts.filter((x: { channel: string }) => x.channel === "sms");
    expect(sms).toEqual([
      { channel: "sms", locale: "en", version: 2, text: "Text me offers from Oak & Ivy. Reply STOP to end." },
    ]);
    expect(texts.map((x: { channel: string }) => x.channel).sort()).toEqual(["email", "push", "sms", "whatsapp"]);
  });

  it("is for devices only", async () => {
    expect((await t.api("GET", "/api/sync/consent-texts")).status).toBe(401);
  });
});
