import { createHmac, timingSafeEqual } from "node:crypto";

/** Shopify signs the raw body: base64(HMAC-SHA256(secret, body)). Compared in constant time. */
export function isValidWebhookHmac(rawBody: Uint8Array, header: string | undefined, secret: string): boolean {
  if (!header) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  let given: Buffer;
  try {
    given = Buffer.from(header, "base64");
  } catch {
    return false;
  }
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function signWebhook(rawBody: string | Uint8Array, secret: string): string {
  return createHmac("sha256", secret).update(rawBody).digest("base64");
}
