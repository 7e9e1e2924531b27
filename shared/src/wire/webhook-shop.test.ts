import { describe, expect, it } from "vitest";
import { acceptsDeliveryAfterRedact, shopMismatch, shopNamedByBody } from "./webhook-shop";

const A = "shop-a.myshopify.com";

describe("the shop a webhook body names", () => {
  it("reads shop_domain, myshopify_domain and shop_id (the shop's own id on app/uninstalled)", () => {
    expect(shopNamedByBody("shop/redact", { shop_id: 954889, shop_domain: "Shop-A.myshopify.com" })).toEqual({
      domains: [A],
      shopifyShopId: "954889",
    });
    expect(shopNamedByBody("app/uninstalled", { id: 548380009, myshopify_domain: A, domain: "shop.example" })).toEqual({
      domains: [A],
      shopifyShopId: "548380009",
    });
    expect(shopNamedByBody("orders/create", { id: 5, email: "a@b.c" })).toEqual({ domains: [], shopifyShopId: null });
  });

  it("disagrees when a domain or the known shop ID differs from the header's shop", () => {
    expect(shopMismatch(A, { domains: [A], shopifyShopId: "1" }, "1")).toBeNull();
    expect(shopMismatch(A, { domains: [A], shopifyShopId: "1" }, null)).toBeNull();
    expect(shopMismatch(A, { domains: ["shop-b.myshopify.com"], shopifyShopId: null }, null)).toMatch(
      /shop-b\.myshopify\.com/,
    );
    expect(shopMismatch(A, { domains: [], shopifyShopId: "2" }, "1")).toMatch(/shop ID 2/);
  });
});

describe("deliveries of a redacted shop", () => {
  const redactedAt = new Date("2026-11-20T00:00:00Z");
  const shop = { redactedAt, reinstalledAt: null };
  const at = (iso: string) => new Date(iso);

  it("takes nothing until the shop is installed again", () => {
    expect(
      acceptsDeliveryAfterRedact(shop, { deliveredBeforeRedact: false, triggeredAt: at("2026-11-21T00:00:00Z") }),
    ).toBe(false);
  });

  it("after a reinstall, takes only new deliveries triggered after the redaction", () => {
    const back = { ...shop, reinstalledAt: at("2026-11-22T00:00:00Z") };
    expect(
      acceptsDeliveryAfterRedact(back, { deliveredBeforeRedact: true, triggeredAt: at("2026-11-23T00:00:00Z") }),
    ).toBe(false);
    expect(
      acceptsDeliveryAfterRedact(back, { deliveredBeforeRedact: false, triggeredAt: at("2026-11-19T00:00:00Z") }),
    ).toBe(false);
    expect(
      acceptsDeliveryAfterRedact(back, { deliveredBeforeRedact: false, triggeredAt: at("2026-11-23T00:00:00Z") }),
    ).toBe(true);
    expect(acceptsDeliveryAfterRedact(back, { deliveredBeforeRedact: false, triggeredAt: null })).toBe(true);
  });
});
