import { errors, jwtVerify, SignJWT } from "jose";

export interface SessionClaims {
  shopId: string;
  /** Staff member (Shopify user ID) from `sub`, when the token carries one. */
  staffId: string | null;
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

/** Verifies a Shopify session token (HS256, signed with the app secret) and reads the shop from `dest`. */
export async function verifySessionToken(token: string, opts: { secret: string; apiKey?: string | undefined }): Promise<SessionClaims> {
  let payload;
  try {
    ({ payload } = await jwtVerify(token, new TextEncoder().encode(opts.secret), {
      algorithms: ["HS256"],
      clockTolerance: 10,
      ...(opts.apiKey ? { audience: opts.apiKey } : {}),
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
  if (!SHOP_DOMAIN.test(host)) throw new AuthError("invalid_token", "session token dest is not a https://{shop}.myshopify.com URL");
  return { shopId: host, staffId: typeof payload.sub === "string" && payload.sub ? payload.sub : null };
}

function tokenErrorCode(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "token_expired";
  if (error instanceof errors.JWTClaimValidationFailed) return error.claim === "aud" ? "wrong_audience" : "invalid_claims";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "bad_signature";
  return "invalid_token";
}

function tokenErrorMessage(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "session token has expired; fetch a fresh one";
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.claim === "aud" ? "session token was issued for another app (aud)" : `session token claim ${error.claim} is not valid now`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return "session token signature does not match the app secret";
  if (error instanceof errors.JOSEAlgNotAllowed) return "session token must be signed with HS256";
  return "session token is malformed";
}

/** Mints a token the way Shopify does; used for the dev token, tests and the seed. */
export async function signSessionToken(opts: {
  shopId: string;
  secret: string;
  apiKey?: string | undefined;
  staffId?: string;
  now?: Date;
  ttlSeconds?: number;
}): Promise<string> {
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
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
