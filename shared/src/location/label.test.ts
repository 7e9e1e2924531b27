import { describe, expect, it } from "vitest";
import { locationLabel } from "./label";

describe("locationLabel", () => {
  it("prefers the shop's name and never shows a Shopify GID", () => {
    expect(locationLabel("gid://shopify/Location/1001", "Soho store")).toBe("Soho store");
    expect(locationLabel("gid://shopify/Location/1001", null)).toBe("Location 1001");
    expect(locationLabel("1001")).toBe("Location 1001");
  });
  it("shows a merchant's own free-text location as typed, and nothing for none", () => {
    expect(locationLabel("Market stall")).toBe("Market stall");
    expect(locationLabel(null)).toBeNull();
  });
});
