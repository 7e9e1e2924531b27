import type { webcrypto } from "node:crypto";
import { errors, jwtVerify, SignJWT } from "jose";

export interface SessionClaims {
  shopId: string;
  /** Staff member (Shopify user ID) from `sub`, when the token carries one. */
  staffId: string | null;
  /** When Shopify issued the token (`nbf`, which Shopify sets to the issue time): tells a reinstall apart. */
  issuedAt: Date;
}

export class AuthError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/** Seconds of clock skew allowed on `exp` and `nbf`, both ways. */
export const CLOCK_TOLERANCE_SECONDS = 10;

/** Verified claims plus the token's validity window (seconds since the epoch), for caching it until it expires. */
export interface VerifiedSessionToken {
  claims: SessionClaims;
  nbf: number;
  exp: number;
}

// One imported HMAC key per secret: importing it per call cost as much as the verification itself.
const keys = new Map<string, Promise<webcrypto.CryptoKey>>();
function hmacKey(secret: string): Promise<webcrypto.CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= 16) keys.clear();
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "verify",
    ]);
    keys.set(secret, key);
  }
  return key;
}

/** Verifies a Shopify session token (HS256, signed with the app secret) and reads the shop from `dest`. */
export async function verifySessionToken(
  token: string,
  opts: { secret: string; apiKey?: string | undefined; now: Date },
): Promise<SessionClaims> {
  return (await verifySessionTokenWindow(token, opts)).claims;
}

/** {@link verifySessionToken}, also answering the token's `nbf` and `exp`. */
export async function verifySessionTokenWindow(
  token: string,
  opts: { secret: string; apiKey?: string | undefined; now: Date },
): Promise<VerifiedSessionToken> {
  // biome-ignore lint/suspicious/noImplicitAnyLet: assigned in the try below, typed by what it is assigned
  let payload;
  try {
    ({ payload } = await jwtVerify(token, await hmacKey(opts.secret), {
      algorithms: ["HS256"],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      ...(opts.apiKey ? { audience: opts.apiKey } : {}),
      currentDate: opts.now,
    }));
  } catch (error) {
    throw new AuthError(tokenErrorCode(error), tokenErrorMessage(error));
  }
  if (typeof payload.nbf !== "number" || typeof payload.exp !== "number") {
    throw new AuthError("invalid_token", "session token must carry exp and nbf");
  }
  const dest = typeof payload.dest === "string" ? payload.dest : "";
  let host = "";
  try {
    host = new URL(dest).hostname;
  } catch {
    /* reported below */
  }
  if (!SHOP_DOMAIN.test(host))
    throw new AuthError("invalid_token", "session token dest is not a https://{shop}.myshopify.com URL");
  // Shopify issues a shop's tokens from that shop's admin; a token naming two shops speaks for neither.
  if (hostOf(payload.iss) !== host)
    throw new AuthError("invalid_token", "session token iss and dest name different shops");
  return {
    claims: {
      shopId: host,
      staffId: typeof payload.sub === "string" && payload.sub ? payload.sub : null,
      issuedAt: new Date(payload.nbf * 1000),
    },
    nbf: payload.nbf,
    exp: payload.exp,
  };
}

function hostOf(url: unknown): string | null {
  if (typeof url !== "string") return null;
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

function tokenErrorCode(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "token_expired";
  if (error instanceof errors.JWTClaimValidationFailed)
    return error.claim === "aud" ? "wrong_audience" : "invalid_claims";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "bad_signature";
  return "invalid_token";
}

function tokenErrorMessage(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "session token has expired; fetch a fresh one";
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.claim === "aud"
      ? "session token was issued for another app (aud)"
      : `session token claim ${error.claim} is not valid now`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return "session token signature does not match the app secret";
  if (error instanceof errors.JOSEAlgNotAllowed) return "session token must be signed with HS256";
  return "session token is malformed";
}

/** Mints a token the way Shopify does; used for the dev token, tests and the seed. */
export async function signSessionToken(opts: {
  shopId: string;
  secret: string;
  apiKey?: string | undefined;
  staffId?: string;
  now: Date;
  ttlSeconds?: number;
}): Promise<string> {
  const now = Math.floor(opts.now.getTime() / 1000);
  return new SignJWT({ dest: `https://${opts.shopId}`, iss: `https://${opts.shopId}/admin` })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setAudience(opts.apiKey ?? "c360-dev")
    .setSubject(opts.staffId ?? "1")
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + (opts.ttlSeconds ?? 60))
    .setJti(crypto.randomUUID())
    .sign(new TextEncoder().encode(opts.secret));
}
