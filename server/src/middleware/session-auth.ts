import { createMiddleware } from "hono/factory";
import { AuthError, verifySessionToken } from "../auth/session-token";
import { HttpError } from "../http/errors";
import type { AppEnv } from "../http/context";
import { ensureShop } from "../services/shop";

const knownShops = new WeakMap<object, Set<string>>();

/** Every /api/* call carries a Shopify session token; the shop and staff member come only from it. */
export const sessionAuth = createMiddleware<AppEnv>(async (c, next) => {
  const { config, db } = c.var.deps;
  const header = c.req.header("authorization") ?? "";
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (!token) throw new HttpError(401, "missing_token", "send the Shopify session token as Authorization: Bearer <token>");
  try {
    const claims = await verifySessionToken(token, { secret: config.apiSecret, apiKey: config.apiKey });
    c.set("shopId", claims.shopId);
    c.set("staffId", claims.staffId);
  } catch (error) {
    if (error instanceof AuthError) throw new HttpError(401, error.code, error.message);
    throw error;
  }
  // A shop is created on its first verified contact; after that, no write on the read path.
  const known = knownShops.get(db) ?? new Set<string>();
  knownShops.set(db, known);
  if (!known.has(c.var.shopId)) {
    await ensureShop(db.db, c.var.shopId);
    known.add(c.var.shopId);
  }
  await next();
});
