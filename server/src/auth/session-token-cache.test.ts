import { describe, expect, it } from "vitest";
import { cachedSessionTokenVerifier } from "./session-token-cache";
import { signSessionToken } from "./session-token";

const SECRET = "cache-test-secret";
const API_KEY = "cache-test-app";
const SHOP = "cache-shop.myshopify.com";
const T0 = new Date("2026-11-25T12:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const sign = (opts: { apiKey?: string; staffId?: string; ttlSeconds?: number } = {}) =>
  signSessionToken({
    shopId: SHOP,
    secret: SECRET,
    apiKey: opts.apiKey ?? API_KEY,
    staffId: opts.staffId ?? "7",
    now: T0,
    ttlSeconds: opts.ttlSeconds ?? 60,
  });
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "accepted",
    (e: { code?: string }) => e.code,
  );

describe("cached session-token verifier", () => {
  it("answers a repeated token from the cache with the same claims", async () => {
    const v = cachedSessionTokenVerifier({ secret: SECRET, apiKey: API_KEY });
    const token = await sign();
    const first = await v.verify(token, at(1));
    const second = await v.verify(token, at(2));
    expect(first).toEqual({ shopId: SHOP, staffId: "7", issuedAt: T0 });
    expect(second).toEqual(first);
    expect(v.hits).toBe(1);
  });

  it("honours exp with the clock tolerance: accepted up to exp + 10 s, refused after, and dropped", async () => {
    const v = cachedSessionTokenVerifier({ secret: SECRET, apiKey: API_KEY });
    const token = await sign({ ttlSeconds: 60 });
    await v.verify(token, at(0));
    expect(await codeOf(v.verify(token, at(69)))).toBe("accepted");
    expect(v.hits).toBe(1);
    expect(await codeOf(v.verify(token, at(70)))).toBe("token_expired");
    expect(v.size).toBe(0);
    expect(v.hits).toBe(1);
  });

  it("never lets a token cached for one audience through a verifier for another", async () => {
    const ours = cachedSessionTokenVerifier({ secret: SECRET, apiKey: API_KEY });
    const theirs = cachedSessionTokenVerifier({ secret: SECRET, apiKey: "another-app" });
    const token = await sign();
    expect(await codeOf(ours.verify(token, at(1)))).toBe("accepted");
    expect(await codeOf(theirs.verify(token, at(1)))).toBe("wrong_audience");
  });

  it("verifies a token with an altered signature in full instead of matching it to its cached twin", async () => {
    const v = cachedSessionTokenVerifier({ secret: SECRET, apiKey: API_KEY });
    const token = await sign();
    await v.verify(token, at(1));
    const [head, body, sig] = token.split(".") as [string, string, string];
    const flipped = sig.slice(0, 10) + (sig[10] === "A" ? "B" : "A") + sig.slice(11);
    expect(await codeOf(v.verify(`${head}.${body}.${flipped}`, at(1)))).toBe("bad_signature");
  });

  it("caches no failure: a refused token is refused again by a full check", async () => {
    const v = cachedSessionTokenVerifier({ secret: SECRET, apiKey: API_KEY });
    const forged = await signSessionToken({ shopId: SHOP, secret: "someone-elses-secret", apiKey: API_KEY, now: T0 });
    expect(await codeOf(v.verify(forged, at(1)))).toBe("bad_signature");
    expect(await codeOf(v.verify(forged, at(1)))).toBe("bad_signature");
    expect(v.size).toBe(0);
    expect(v.hits).toBe(0);
  });

  it("refuses a token that is not valid yet, beyond the tolerance", async () => {
    const v = cachedSessionTokenVerifier({ secret: SECRET, apiKey: API_KEY });
    const token = await sign();
    expect(await codeOf(v.verify(token, at(-11)))).toBe("invalid_claims");
    expect(await codeOf(v.verify(token, at(-9)))).toBe("accepted");
  });

  it("holds at most maxEntries tokens and drops the least recently used", async () => {
    const v = cachedSessionTokenVerifier({ secret: SECRET, apiKey: API_KEY, maxEntries: 2 });
    const [t1, t2, t3] = await Promise.all([sign({ staffId: "1" }), sign({ staffId: "2" }), sign({ staffId: "3" })]);
    await v.verify(t1!, at(1));
    await v.verify(t2!, at(1));
    await v.verify(t1!, at(2)); // t1 is now the most recently used
    await v.verify(t3!, at(3)); // so t2 goes
    expect(v.size).toBe(2);
    expect(v.hits).toBe(1);
    expect(await v.verify(t1!, at(4))).toEqual({ shopId: SHOP, staffId: "1", issuedAt: T0 });
    expect(v.hits).toBe(2);
    expect(await v.verify(t2!, at(4))).toEqual({ shopId: SHOP, staffId: "2", issuedAt: T0 });
    expect(v.hits).toBe(2);
    expect(v.size).toBe(2);
  });
});
