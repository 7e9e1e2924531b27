import { describe, expect, it } from "vitest";
import { decryptToken, encryptToken } from "./token-crypto";

const key = new Uint8Array(32).fill(1);

describe("access tokens at rest", () => {
  it("round-trips, never stores the token in clear and uses a fresh IV each time", () => {
    const a = encryptToken(key, "shop-a.myshopify.com", "shpat_secret");
    const b = encryptToken(key, "shop-a.myshopify.com", "shpat_secret");
    expect(a).not.toContain("shpat_secret");
    expect(a).not.toBe(b);
    expect(decryptToken(key, "shop-a.myshopify.com", a)).toBe("shpat_secret");
  });

  it("refuses a token moved to another shop or read with another key", () => {
    const stored = encryptToken(key, "shop-a.myshopify.com", "shpat_secret");
    expect(() => decryptToken(key, "shop-b.myshopify.com", stored)).toThrow();
    expect(() => decryptToken(new Uint8Array(32).fill(2), "shop-a.myshopify.com", stored)).toThrow();
  });
});
