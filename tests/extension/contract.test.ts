import { hintsResponseSchema, posCustomerViewSchema, registerSearchResponseSchema } from "@c360/shared";
import { signSessionToken } from "@c360/server/auth/session-token";
import { SHOP_A, startTestServer, TEST_API_KEY, TEST_SECRET, type TestServer } from "@c360/server/test-support/harness";
import { customerPayload, orderPayload } from "@c360/server/test-support/payloads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServerClient, ServerCallError } from "../../extensions/customer-360/src/api";

/**
 * The POS extension's own request code against the real server, in process, with real session tokens:
 * what the register sends is what the server accepts, and what the server answers is what the register
 * expects (checked with the shared wire schemas).
 */
// What ships: no app URL baked in, so every request is a relative "/api/..." path (POS resolves it
// against the app's application_url); the server answers those paths as they are.
const APP_URL = "";

function relative(url: string | URL | Request): string {
  const path = String(url instanceof Request ? url.url : url);
  if (!path.startsWith("/api/")) throw new Error(`the extension sent an absolute or odd URL: ${path}`);
  return path;
}

describe("POS extension ↔ server contract", () => {
  let t: TestServer;
  let token: string | undefined;
  const client = () =>
    createServerClient({
      appUrl: APP_URL,
      getSessionToken: async () => token,
      fetch: () =>
        ((url: string | URL | Request, init?: RequestInit) =>
          t.runtime.app.request(relative(url), init)) as typeof fetch,
      timeoutMs: 10_000,
    });

  beforeAll(async () => {
    t = await startTestServer();
    await t.webhook(
      "customers/create",
      customerPayload({
        id: 8080,
        email: "register@mailbox.org",
        phone: "+351912345678",
        firstName: "Ines",
        lastName: "Costa",
      }),
    );
    await t.webhook(
      "orders/create",
      orderPayload({
        id: 91,
        customerId: 8080,
        email: "register@mailbox.org",
        total: "59.00",
        source: "pos",
        lines: [{ id: 1, productId: 9001, title: "Linen Shirt", price: "59.00" }],
      }),
    );
    await t.webhook(
      "orders/create",
      orderPayload({
        id: 92,
        customerId: 8081,
        email: "other@mailbox.org",
        total: "138.00",
        lines: [
          { id: 2, productId: 9001, title: "Linen Shirt", price: "59.00" },
          { id: 3, productId: 9002, variantId: 90021, title: "Chino Trousers", price: "79.00" },
        ],
      }),
    );
    await t.webhook(
      "orders/create",
      orderPayload({
        id: 93,
        customerId: 8082,
        email: "third@mailbox.org",
        total: "138.00",
        lines: [
          { id: 4, productId: 9001, title: "Linen Shirt", price: "59.00" },
          { id: 5, productId: 9002, title: "Chino Trousers", price: "79.00" },
        ],
      }),
    );
    await t.webhook(
      "orders/create",
      orderPayload({
        id: 94,
        customerId: 8083,
        email: "fourth@mailbox.org",
        total: "18.00",
        lines: [{ id: 6, productId: 9003, title: "Wool Socks", price: "18.00" }],
      }),
    );
    await t.drain();
    token = await signSessionToken({
      shopId: SHOP_A,
      secret: TEST_SECRET,
      apiKey: TEST_API_KEY,
      staffId: "staff-9",
      now: t.clock(),
    });
  });
  afterAll(async () => t.close());

  it("reads the register view in the shape the extension renders", async () => {
    const view = await client().customerView("8080");
    expect(posCustomerViewSchema.parse(view)).toMatchObject({
      firstName: "Ines",
      orderCount: 1,
      posSpend: 59,
      loyalty: { points: 59, tier: "Bronze", nextTier: "Silver" },
    });
    // The extension may hold a GraphQL ID; the server takes both.
    expect((await client().customerView("gid://shopify/Customer/8080")).profileId).toBe(view.profileId);
  });

  it("captures consent with the exact text and version the server published", async () => {
    const texts = await client().consentTexts();
    const sms = texts.find((x) => x.channel === "sms" && x.locale === "en")!;
    await client().postConsent({
      id: crypto.randomUUID(),
      shopifyCustomerId: "8080",
      channel: "sms",
      action: "granted",
      textVersion: sms.version,
      text: sms.text,
      locale: "en",
      actedAt: t.clock().toISOString(),
      source: "pos",
      staffId: "staff-9",
    });
    expect((await client().customerView("8080")).consent.sms.granted).toBe(true);
    await expect(
      client().postConsent({
        id: crypto.randomUUID(),
        shopifyCustomerId: "8080",
        channel: "email",
        action: "granted",
        textVersion: 1,
        text: "Something else",
        locale: "en",
        actedAt: t.clock().toISOString(),
        source: "pos",
      }),
    ).rejects.toMatchObject({ kind: "rejected", status: 422 });
  });

  it("logs a visit once however often the register sends it", async () => {
    const visit = {
      id: crypto.randomUUID(),
      shopifyCustomerId: "8080",
      locationId: "7001",
      at: t.clock().toISOString(),
    };
    await client().postVisit(visit);
    await client().postVisit(visit);
    const profile = await (await t.api("GET", "/api/profiles/by-shopify-customer/8080")).json();
    expect(profile.aggregates.visitCount).toBe(1);
  });

  it("gets upsell hints that name the product, explain themselves and carry a variant to add", async () => {
    const hints = await client().checkoutHints({ shopifyCustomerId: "8080", productIds: ["9001"] });
    const chinos = hintsResponseSchema
      .parse({ hints })
      .hints.find((h) => h.kind === "co_purchase" && h.productId === "9002");
    expect(chinos).toEqual({
      kind: "co_purchase",
      productId: "9002",
      productTitle: "Chino Trousers",
      variantId: "90021",
      message: "67% of people who bought Linen Shirt also bought the Chino Trousers",
    });
  });

  it("finds a customer by name, email or phone with what the clerk needs to confirm and attach them", async () => {
    const byName = await client().searchCustomers("Ines");
    expect(registerSearchResponseSchema.parse({ customers: byName }).customers).toEqual([
      expect.objectContaining({
        shopifyCustomerId: "8080",
        firstName: "Ines",
        lastName: "Costa",
        emails: ["register@mailbox.org"],
      }),
    ]);
    expect((await client().searchCustomers("REGISTER@mailbox.org")).map((c) => c.shopifyCustomerId)).toEqual(["8080"]);
    await expect(client().searchCustomers("x")).rejects.toMatchObject({ kind: "rejected", status: 400 });
  });

  it("turns server refusals into errors the extension understands", async () => {
    await expect(client().customerView("999999")).rejects.toMatchObject({ kind: "rejected", status: 404 });
    token = await signSessionToken({
      shopId: SHOP_A,
      secret: TEST_SECRET,
      apiKey: TEST_API_KEY,
      now: new Date(t.clock().getTime() - 3_600_000),
    });
    const refused = await client()
      .customerView("8080")
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ServerCallError);
    expect(refused).toMatchObject({ kind: "rejected", status: 401, code: "token_expired" });
  });
});
