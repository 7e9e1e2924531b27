import { describe, expect, it } from "vitest";
import { customerIdentified, toOutgoing } from "./events";

describe("toOutgoing", () => {
  it("reads the product of a view or a cart line, and the buyer at checkout", () => {
    expect(
      toOutgoing({
        id: "sh-1",
        name: "product_viewed",
        timestamp: "2026-11-25T12:00:00.000Z",
        data: { productVariant: { product: { id: "111" } } },
      }),
    ).toEqual({ id: "sh-1", name: "product_viewed", at: "2026-11-25T12:00:00.000Z", productId: "111" });
    expect(
      toOutgoing({
        id: "sh-2",
        name: "product_added_to_cart",
        timestamp: "2026-11-25T12:00:00.000Z",
        data: { cartLine: { merchandise: { product: { id: "gid://shopify/Product/222" } } } },
      })?.productId,
    ).toBe("gid://shopify/Product/222");
    expect(
      toOutgoing({
        id: "sh-3",
        name: "checkout_completed",
        timestamp: "2026-11-25T12:00:00.000Z",
        data: { checkout: { email: " sarah@mailbox.org ", phone: null, order: { customer: { id: "7001" } } } },
      }),
    ).toEqual({
      id: "sh-3",
      name: "checkout_completed",
      at: "2026-11-25T12:00:00.000Z",
      email: "sarah@mailbox.org",
      shopifyCustomerId: "7001",
    });
  });

  it("drops an event without id or time, and a product id that is not one", () => {
    expect(toOutgoing({ name: "page_viewed", timestamp: "2026-11-25T12:00:00.000Z" })).toBeNull();
    expect(toOutgoing({ id: "x", name: "page_viewed" })).toBeNull();
    expect(
      toOutgoing({
        id: "sh-4",
        name: "product_viewed",
        timestamp: "2026-11-25T12:00:00.000Z",
        data: { productVariant: { product: { id: "<script>" } } },
      })?.productId,
    ).toBeUndefined();
  });
});

describe("customerIdentified", () => {
  it("reports a signed-in customer once per page, and nothing for a guest", () => {
    expect(customerIdentified(null, "p1", "2026-11-25T12:00:00.000Z")).toBeNull();
    expect(customerIdentified({ id: null, email: " ", phone: null }, "p1", "2026-11-25T12:00:00.000Z")).toBeNull();
    expect(customerIdentified({ id: "7001", email: "sarah@mailbox.org" }, "p1", "2026-11-25T12:00:00.000Z")).toEqual({
      id: "signin-p1",
      name: "customer_identified",
      at: "2026-11-25T12:00:00.000Z",
      shopifyCustomerId: "7001",
      email: "sarah@mailbox.org",
    });
  });
});
