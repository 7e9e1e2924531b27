import { createMiddleware } from "hono/factory";
import { AuthError } from "../auth/session-token";
import { cachedSessionTokenVerifier, type SessionTokenVerifier } from "../auth/session-token-cache";
import type { Config } from "../config";
import { HttpError } from "../http/errors";
import type { AppEnv } from "../http/context";
import { recordVerifiedSession } from "../services/shop/install";

/** When each shop's install state was last recorded, per database (ms on the runtime's clock). */
const knownShops = new WeakMap<object, Map<string, number>>();
/** How long a process trusts that a shop it saw is still installed before it records a session again. */
const INSTALL_RECHECK_MS = 60_000;
const verifiers = new WeakMap<Config, { secret: string; apiKey: string | undefined; verifier: SessionTokenVerifier }>();

/** One token cache per app secret and audience (a changed config gets a fresh one). */
function verifierFor(config: Config): SessionTokenVerifier {
  const held = verifiers.get(config);
  if (held && held.secret === config.apiSecret && held.apiKey === config.apiKey) return held.verifier;
  const verifier = cachedSessionTokenVerifier({ secret: config.apiSecret, apiKey: config.apiKey });
  verifiers.set(config, { secret: config.apiSecret, apiKey: config.apiKey, verifier });
  return verifier;
}

/** Every /api/* call carries a Shopify session token; the shop and staff member come only from it. */
export const sessionAuth = createMiddleware<AppEnv>(async (c, next) => {
  const { config, db, clock } = c.get("deps");
  const header = c.req.header("authorization") ?? "";
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (!token)
    throw new HttpError(401, "missing_token", "send the Shopify session token as Authorization: Bearer <token>");
  let issuedAt = new Date(0);
  try {
    const claims = await verifierFor(config).verify(token, clock());
    c.set("shopId", claims.shopId);
    c.set("staffId", claims.staffId);
    issuedAt = claims.issuedAt;
  } catch (error) {
    if (error instanceof AuthError) throw new HttpError(401, error.code, error.message);
    throw error;
  }
  // A shop is created on its first verified contact, and a session after an uninstall is a reinstall;
  // rechecked once a minute per process (an uninstall may be processed by another instance).
  const shopId = c.get("shopId");
  let known = knownShops.get(db);
  if (!known) knownShops.set(db, (known = new Map<string, number>()));
  const now = clock().getTime();
  const checkedAt = known.get(shopId);
  if (checkedAt === undefined || now - checkedAt >= INSTALL_RECHECK_MS || now < checkedAt) {
    await recordVerifiedSession(db.db, shopId, issuedAt);
    known.set(shopId, now);
  }
  // The shop's first verified session token is exchanged for its Admin API token (once; cached after).
  const { shopify } = c.get("deps");
  if (shopify) await shopify.ensureConnected(shopId, token);
  await next();
});
