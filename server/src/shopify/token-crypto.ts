import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Access tokens at rest: AES-256-GCM with a random 96-bit IV, the shop as additional data (a stored token
 * copied to another shop's row does not decrypt), stored as `v1.<iv>.<tag>.<ciphertext>` in base64url.
 */
export function encryptToken(key: Uint8Array, shopId: string, token: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(shopId, "utf8"));
  const body = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), body]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

export function decryptToken(key: Uint8Array, shopId: string, stored: string): string {
  const [version, iv, tag, body] = stored.split(".");
  if (version !== "v1" || !iv || !tag || body === undefined)
    throw new Error("stored access token is not in the v1 format");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAAD(Buffer.from(shopId, "utf8"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}
