import { describe, expect, it } from "vitest";
import { messageSignal, pixelEventIdentifiers, viewedNotBought } from "./signals";

const at = new Date("2026-11-20T10:00:00Z");

describe("pixelEventIdentifiers", () => {
  it("links the browser only when the event names someone", () => {
    expect(pixelEventIdentifiers("client-123", { id: "e1", name: "page_viewed", at })).toBeNull();
    expect(pixelEventIdentifiers("client-123", { id: "e2", name: "checkout_completed", at, email: "s@x.org" })).toEqual(
      {
        deviceId: "client-123",
        email: "s@x.org",
        phone: null,
        shopifyCustomerId: null,
      },
    );
  });
});

describe("messageSignal", () => {
  it("counts replies and clicks strongly, opens weakly, the rest not at all", () => {
    expect(
      ["replied", "clicked", "opened", "sent", "delivered", "unsubscribed"].map((k) => messageSignal(k as never)),
    ).toEqual(["strong", "strong", "weak", "none", "none", "none"]);
  });
});

describe("viewedNotBought", () => {
  it("leaves out what was bought, keeps each product once, latest view first", () => {
    const views = [
      { productId: "1", at: new Date("2026-11-01T00:00:00Z") },
      { productId: "2", at: new Date("2026-11-03T00:00:00Z") },
      { productId: "1", at: new Date("2026-11-05T00:00:00Z") },
      { productId: "3", at: new Date("2026-11-04T00:00:00Z") },
    ];
    expect(viewedNotBought(views, ["3"])).toEqual(["1", "2"]);
    expect(viewedNotBought(views, [], 1)).toEqual(["1"]);
  });
});
