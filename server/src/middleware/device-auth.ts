import { sql } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { parseDeviceToken, secretMatches } from "../auth/device-token";
import { queryRows } from "../db/rows";
import { HttpError } from "../http/errors";
import type { AppEnv } from "../http/context";

/**
 * /api/sync/* accepts paired device tokens only; a revoked device, or one of an
 * uninstalled shop, is refused on its next request.
 */
export const deviceAuth = createMiddleware<AppEnv>(async (c, next) => {
  const token = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  const parsed = token ? parseDeviceToken(token) : null;
  if (!parsed)
    throw new HttpError(
      401,
      "missing_device_token",
      "sync calls need this tablet's device token; pair it with a code from the admin",
    );
  const [device] = await queryRows<{
    token_hash: string;
    revoked_at: unknown;
    location_id: string | null;
    uninstalled_at: unknown;
  }>(
    c.var.deps.db.db,
    sql`SELECT d.token_hash, d.revoked_at, d.location_id, s.uninstalled_at
        FROM devices d LEFT JOIN shops s ON s.shop_id = d.shop_id WHERE d.shop_id = ${parsed.shopId}
          AND d.id = ${parsed.deviceId}`,
  );
  if (!device || !secretMatches(parsed.secret, device.token_hash)) {
    throw new HttpError(401, "bad_device_token", "device token is not valid; pair this tablet again");
  }
  if (device.revoked_at)
    throw new HttpError(401, "device_revoked", "this device was revoked in the admin; pair it again to sync");
  // Nothing is taken into a shop that removed the app; the tablet keeps its changes until it is reinstalled.
  if (device.uninstalled_at) {
    throw new HttpError(
      403,
      "shop_uninstalled",
      "this shop removed the app; changes stay on this tablet and sync again once the app is reinstalled",
    );
  }
  c.set("shopId", parsed.shopId);
  c.set("staffId", null);
  c.set("deviceId", parsed.deviceId);
  c.set("deviceLocationId", device.location_id);
  await next();
});
