import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * A device token is `c360d.<shop>.<deviceId>.<secret>`: the shop and device locate the row, the secret
 * is checked against a stored SHA-256 hash (the token itself is never stored).
 */
export function mintDeviceToken(shopId: string, deviceId: string): { token: string; tokenHash: string } {
  const secret = randomBytes(32).toString("base64url");
  return { token: `c360d.${shopId}.${deviceId}.${secret}`, tokenHash: hashSecret(secret) };
}

export function parseDeviceToken(token: string): { shopId: string; deviceId: string; secret: string } | null {
  const m = /^c360d\.([a-z0-9][a-z0-9.-]*\.myshopify\.com)\.([A-Za-z0-9-]{1,64})\.([A-Za-z0-9_-]{20,})$/.exec(token);
  return m ? { shopId: m[1]!, deviceId: m[2]!, secret: m[3]! } : null;
}

export function secretMatches(secret: string, tokenHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), "hex");
  const b = Buffer.from(tokenHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}

function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
