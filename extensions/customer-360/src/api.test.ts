import { consentCaptureSchema, posVisitSchema } from "@c360/shared";
import { describe, expect, it } from "vitest";
import {
  ServerCallError,
  checkoutHintsRequest,
  consentCaptureRequest,
  consentTextsRequest,
  createServerClient,
  customerViewRequest,
  posVisitRequest,
} from "./api";
import { buildConsentCapture } from "./consent-capture";
import { CONSENT_TEXTS, SESSION } from "./test-support";
import { visitBody } from "./visits";

const APP = "https://c360.example.com/";

describe("request builders (pure; the contract tests call these against the real server)", () => {
  it("GET the register view with the session token", () => {
    expect(customerViewRequest(APP, "tok", "123")).toEqual({
      method: "GET",
      url: "https://c360.example.com/api/pos/customers/123",
      headers: { Authorization: "Bearer tok", Accept: "application/json" },
    });
  });

  it("GET hints with the customer and the cart's product IDs", () => {
    const url = new URL(checkoutHintsRequest(APP, "tok", { shopifyCustomerId: "123", productIds: ["5", "6"] }).url);
    expect(url.pathname).toBe("/api/pos/hints");
    expect(url.searchParams.get("customer")).toBe("123");
    expect(url.searchParams.get("lines")).toBe("5,6");
  });

  it("GET consent texts", () => {
    expect(consentTextsRequest(APP, "tok").url).toBe("https://c360.example.com/api/consent-texts");
  });

  it("POST a consent capture whose body is valid for shared's consentCaptureSchema", () => {
    const capture = buildConsentCapture({
      id: "3b241101-e2bb-4255-8caf-4136c566a962",
      shopifyCustomerId: "123",
      channel: "email",
      action: "granted",
      text: CONSENT_TEXTS[0]!,
      actedAt: new Date("2026-03-02T14:05:00Z"),
      session: SESSION,
    });
    const request = consentCaptureRequest(APP, "tok", capture);
    expect(request.method).toBe("POST");
    expect(request.url).toBe("https://c360.example.com/api/consents");
    expect(request.headers).toMatchObject({ Authorization: "Bearer tok", "Content-Type": "application/json" });
    const parsed = consentCaptureSchema.parse(JSON.parse(request.body!));
    expect(parsed).toMatchObject({
      text: CONSENT_TEXTS[0]!.text,
      textVersion: 3,
      source: "pos",
      staffId: "77",
      locationId: "42",
    });
    expect(parsed.actedAt.toISOString()).toBe("2026-03-02T14:05:00.000Z");
  });

  it("POST a visit whose body is valid for shared's posVisitSchema", () => {
    const body = visitBody(
      { visitId: "3b241101-e2bb-4255-8caf-4136c566a962", shopifyCustomerId: "123" },
      new Date("2026-03-02T14:05:00Z"),
      {
        locationId: "42",
        staffId: "77",
      },
    );
    const request = posVisitRequest(APP, "tok", body);
    expect(request.url).toBe("https://c360.example.com/api/pos/visits");
    expect(posVisitSchema.parse(JSON.parse(request.body!))).toMatchObject({ shopifyCustomerId: "123" });
  });
});

describe("createServerClient", () => {
  const client = (
    fetchImpl: typeof fetch,
    timeoutMs = 1000,
    getSessionToken = async (): Promise<string | undefined> => "tok",
  ) => createServerClient({ appUrl: APP, getSessionToken, fetch: () => fetchImpl, timeoutMs });

  it("turns a 4xx {error, message} into a rejected call carrying the server's sentence", async () => {
    const f = (async () =>
      new Response(JSON.stringify({ error: "not_found", message: "No such customer." }), {
        status: 404,
      })) as typeof fetch;
    const error = await client(f)
      .customerView("1")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerCallError);
    expect(error).toMatchObject({ kind: "rejected", status: 404, code: "not_found", message: "No such customer." });
    expect((error as ServerCallError).retryable).toBe(false);
  });

  it("a dropped network is `offline`, a slow one `timeout`: both retryable", async () => {
    const down = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    await expect(client(down).consentTexts()).rejects.toMatchObject({ kind: "offline" });
    const slow = (() => new Promise<Response>(() => undefined)) as typeof fetch;
    const error = (await client(slow, 20)
      .consentTexts()
      .catch((e: unknown) => e)) as ServerCallError;
    expect(error.kind).toBe("timeout");
    expect(error.retryable).toBe(true);
  });

  it("without a session token it does not call the server", async () => {
    let called = false;
    const f = (async () => {
      called = true;
      return new Response("{}");
    }) as typeof fetch;
    await expect(client(f, 1000, async () => undefined).customerView("1")).rejects.toMatchObject({
      kind: "no_session",
    });
    expect(called).toBe(false);
  });

  it("an answer that is not a register view is not trusted", async () => {
    const f = (async () => new Response(JSON.stringify({ hello: "world" }), { status: 200 })) as typeof fetch;
    await expect(client(f).customerView("1")).rejects.toMatchObject({ kind: "server" });
  });
});
