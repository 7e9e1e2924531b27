import {
  CLOCK_TOLERANCE_SECONDS,
  verifySessionTokenWindow,
  type SessionClaims,
  type VerifiedSessionToken,
} from "./session-token";

export interface SessionTokenVerifier {
  verify(token: string, now: Date): Promise<SessionClaims>;
  /** Tokens held now; never more than `maxEntries`. */
  readonly size: number;
  /** Verifications answered from the cache (for tests and diagnostics). */
  readonly hits: number;
}

/**
 * Session-token verification with a small LRU of tokens already verified, each kept only while it is
 * within its own `nbf`/`exp` (with the same clock tolerance as a full check). A register reuses its
 * token for every call until it expires, and the HS256 check was the largest cost of a read.
 *
 * The key is the whole token text, signature included, and the cache belongs to one secret and
 * audience, so nothing is accepted that a full verification would refuse: a token outside its window
 * is dropped and verified again (which answers why it is refused); failures are never cached.
 */
export function cachedSessionTokenVerifier(opts: {
  secret: string;
  apiKey?: string | undefined;
  maxEntries?: number;
}): SessionTokenVerifier {
  const maxEntries = opts.maxEntries ?? 10_000;
  const verified = new Map<string, VerifiedSessionToken>();
  let hits = 0;
  const withinWindow = (v: VerifiedSessionToken, nowSeconds: number) =>
    v.nbf <= nowSeconds + CLOCK_TOLERANCE_SECONDS && v.exp > nowSeconds - CLOCK_TOLERANCE_SECONDS;
  return {
    async verify(token, now) {
      const nowSeconds = Math.floor(now.getTime() / 1000);
      const cached = verified.get(token);
      if (cached) {
        verified.delete(token);
        if (withinWindow(cached, nowSeconds)) {
          verified.set(token, cached); // most recently used goes last
          hits++;
          return cached.claims;
        }
      }
      const fresh = await verifySessionTokenWindow(token, { secret: opts.secret, apiKey: opts.apiKey, now });
      verified.set(token, fresh);
      // Map iterates in insertion order, so the first key is the least recently used.
      while (verified.size > maxEntries) verified.delete(verified.keys().next().value!);
      return fresh.claims;
    },
    get size() {
      return verified.size;
    },
    get hits() {
      return hits;
    },
  };
}
