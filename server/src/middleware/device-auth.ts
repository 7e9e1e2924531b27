import { sql } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { parseDeviceToken, secretMatches } from "../auth/device-token";
import { queryRows } from "../db/rows";
import { HttpError } from "../http/errors";
import type { AppEnv } from "../http/context";

/** /api/sync/* accepts paired device tokens only; a revoked device is refused on its next request. */
export const deviceAuth = createMiddleware<AppEnv>(async (c, next) => {
  const token = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  const parsed = token ? parseDeviceToken(token) : null;
  if (!parsed) throw new HttpError(401, "missing_device_token", "sync calls need this tablet's device token; pair it with a code from the admin");
  const [device] = await queryRows<{ token_hash: string; revoked_at: unknown; location_id: string | null }>(
    c.var.deps.db.db,
    sql`SELECT token_hash, revoked_at, location_id FROM devices WHERE shop_id = ${parsed.shopId} AND id = ${parsed.deviceId}`,
  );
  if (!device || !secretMatches(parsed.secret, device.token_hash)) {
    throw new HttpError(401, "bad_device_token", "device token is not valid; pair this tablet again");
  }
  if (device.revoked_at) throw new HttpError(401, "device_revoked", "this device was revoked in the admin; pair it again to sync");
  c.set("shopId", parsed.shopId);
  c.set("staffId", null);
  c.set("deviceId", parsed.deviceId);
  c.set("deviceLocationId", device.location_id);
  await next();
});
