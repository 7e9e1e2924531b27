import { WEBHOOK_API_VERSION } from "@c360/shared";
import { signSessionToken } from "../auth/session-token";
import { signWebhook } from "../auth/webhook-hmac";
import type { Runtime } from "../runtime";

/**
 * The demo seed's way in: the app's own HTTP surface, called in-process. Shopify's deliveries are signed
 * webhooks, the merchant and the register use a session token, a tablet its device token; a refusal
 * stops the seed with the route's own words, so a broken path shows up on `npm start`, not later.
 */
export interface DemoClient {
  webhook(topic: string, eventId: string, payload: unknown): Promise<void>;
  admin<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  device<T = Record<string, unknown>>(token: string, method: string, path: string, body?: unknown): Promise<T>;
  /** Signs a pairing request from no one yet (the tablet has no token before it pairs). */
  open<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
}

export function demoClient(
  runtime: Runtime,
  opts: { shopId: string; secret: string; apiKey: string | undefined; clock: () => Date; staffId: string },
): DemoClient {
  const call = async <T>(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<T> => {
    const raw = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const res = await runtime.app.request(path, {
      method,
      headers: raw === undefined ? headers : { ...headers, "content-type": "application/json" },
      body: raw,
    });
    const text = await res.text();
    if (res.status >= 300)
      throw new Error(`demo seed: ${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
  // One session token for the whole seed, minted by the runtime's clock like Shopify would mint it.
  let session: Promise<string> | null = null;
  const bearer = async () =>
    `Bearer ${await (session ??= signSessionToken({
      shopId: opts.shopId,
      secret: opts.secret,
      apiKey: opts.apiKey,
      staffId: opts.staffId,
      ttlSeconds: 3600,
      now: opts.clock(),
    }))}`;
  return {
    async webhook(topic, eventId, payload) {
      const body = JSON.stringify(payload);
      const headers = {
        "x-shopify-topic": topic,
        "x-shopify-shop-domain": opts.shopId,
        "x-shopify-event-id": eventId,
        "x-shopify-api-version": WEBHOOK_API_VERSION,
        "x-shopify-hmac-sha256": signWebhook(body, opts.secret),
      };
      await call("POST", "/webhooks/shopify", headers, body);
    },
    admin: async (method, path, body) => call(method, path, { authorization: await bearer() }, body),
    device: (token, method, path, body) => call(method, path, { authorization: `Bearer ${token}` }, body),
    open: (method, path, body) => call(method, path, {}, body),
  };
}

type ConsentText = { channel: string; locale: string; version: number; text: string };

/** The shop's published consent texts by channel (English), shown word for word with every capture. */
export async function consentTexts(client: DemoClient): Promise<Map<string, ConsentText>> {
  const { texts } = await client.admin<{ texts: ConsentText[] }>("GET", "/api/consent-texts");
  return new Map(texts.filter((t) => t.locale === "en").map((t) => [t.channel, t]));
}
