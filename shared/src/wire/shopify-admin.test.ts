import { describe, expect, it } from "vitest";
import {
  adminCustomerToWebhook,
  adminOrderToWebhook,
  consentWriteBack,
  idFromGid,
  throttleWaitMs,
} from "./shopify-admin";
import { webhookCustomerSchema, webhookOrderSchema } from "./webhooks";

describe("Admin GraphQL records read as webhook payloads", () => {
  it("reads IDs above 2^53 from gids without losing digits", () => {
    expect(idFromGid("gid://shopify/Customer/706405506930370084")).toBe("706405506930370084");
    expect(idFromGid("207119551")).toBe("207119551");
    expect(idFromGid("gid://shopify/Customer/abc")).toBeNull();
  });

  it("maps a customer node (Shopify's documented sample) to a customers/update payload", () => {
    const payload = adminCustomerToWebhook({
      id: "gid://shopify/Customer/706405506930370084",
      firstName: "Bob",
      lastName: "Norman",
      email: "bob@example.com",
      phone: "+16136120707",
      createdAt: "2024-01-01T12:00:00-05:00",
      updatedAt: "2024-01-02T12:00:00-05:00",
      tags: ["vip"],
      defaultAddress: { address1: "Chestnut Street 92", zip: "40202", countryCodeV2: "US" },
      emailMarketingConsent: {
        marketingState: "SUBSCRIBED",
        marketingOptInLevel: "SINGLE_OPT_IN",
        consentUpdatedAt: "2024-01-02T12:00:00-05:00",
      },
      smsMarketingConsent: null,
    });
    const parsed = webhookCustomerSchema.parse(payload);
    expect(parsed.id).toBe("706405506930370084");
    expect(parsed.default_address?.zip).toBe("40202");
    expect(payload.email_marketing_consent).toEqual({
      state: "subscribed",
      opt_in_level: "single_opt_in",
      consent_updated_at: "2024-01-02T12:00:00-05:00",
    });
    expect(payload.sms_marketing_consent).toBeNull();
  });

  it("maps an order node with nested line items, location and customer", () => {
    const payload = adminOrderToWebhook({
      id: "gid://shopify/Order/450789469",
      createdAt: "2024-03-01T10:00:00Z",
      updatedAt: "2024-03-01T10:05:00Z",
      cancelledAt: null,
      sourceName: "pos",
      email: "bob@example.com",
      currentTotalPriceSet: { shopMoney: { amount: "598.94", currencyCode: "USD" } },
      retailLocation: { id: "gid://shopify/Location/655441491" },
      customer: { id: "gid://shopify/Customer/207119551" },
      lineItems: {
        nodes: [
          {
            id: "gid://shopify/LineItem/466157049",
            title: "IPod Nano - 8gb",
            quantity: 1,
            product: { id: "gid://shopify/Product/632910392" },
            originalUnitPriceSet: { shopMoney: { amount: "199.00" } },
          },
        ],
      },
    });
    const order = webhookOrderSchema.parse(payload);
    expect(order).toMatchObject({
      id: "450789469",
      total_price: "598.94",
      total: { minor: 59894, currency: "USD" },
      currency: "USD",
      source_name: "pos",
      location_id: "655441491",
    });
    expect(order.customer?.id).toBe("207119551");
    expect(order.line_items).toEqual([
      expect.objectContaining({
        id: "466157049",
        product_id: "632910392",
        title: "IPod Nano - 8gb",
        quantity: 1,
        price: "199.00",
      }),
    ]);
    expect(order.line_prices).toEqual([19900]);
  });
});

describe("cost throttle", () => {
  it("waits for the missing points at the restore rate, at least a second", () => {
    const status = { maximumAvailable: 1000, currentlyAvailable: 10, restoreRate: 100 };
    expect(throttleWaitMs({ requestedQueryCost: 510, throttleStatus: status })).toBe(5000);
    expect(throttleWaitMs({ requestedQueryCost: 5, throttleStatus: status })).toBe(1000);
  });
});

describe("consent write-back input", () => {
  const actedAt = new Date("2026-11-25T12:00:00Z");
  it("a register grant of email is SUBSCRIBED with the location and the time the customer acted", () => {
    expect(consentWriteBack({ channel: "email", action: "granted", actedAt, locationId: "655441491" })).toEqual([
      {
        channel: "email",
        input: {
          emailMarketingConsent: {
            marketingState: "SUBSCRIBED",
            marketingOptInLevel: "SINGLE_OPT_IN",
            consentUpdatedAt: "2026-11-25T12:00:00.000Z",
            sourceLocationId: "gid://shopify/Location/655441491",
          },
        },
      },
    ]);
  });
  it("a global unsubscribe revokes email and sms; channels Shopify does not keep are not written", () => {
    expect(
      consentWriteBack({ channel: "all", action: "revoked", actedAt, locationId: null }).map((x) => x.channel),
    ).toEqual(["email", "sms"]);
    expect(consentWriteBack({ channel: "whatsapp", action: "granted", actedAt, locationId: null })).toEqual([]);
  });
});
