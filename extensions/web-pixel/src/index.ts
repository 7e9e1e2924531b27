import { register } from "@shopify/web-pixels-extension";
import { Batcher, sessionFor } from "./batcher";
import { STANDARD_PIXEL_EVENTS } from "@c360/shared/wire/pixel-events";
import { customerIdentified, toOutgoing, type StandardEvent } from "./events";

const SESSION_KEY = "c360_session";

const randomId = () => {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
};

/**
 * The storefront pixel (strict sandbox): forwards the standard events and a signed-in customer to the
 * server's public pixel endpoint in small batches with Shopify's client id and a session id of ours.
 */
register(({ analytics, browser, init, settings }) => {
  const serverUrl = typeof settings.serverUrl === "string" ? settings.serverUrl.replace(/\/+$/, "") : "";
  if (!/^https:\/\/[^\s/]+/.test(serverUrl)) return; // not configured for this shop: send nothing
  const shop = init.data.shop.myshopifyDomain;
  let clientId = "";

  const session = async () => {
    const raw = await browser.sessionStorage.getItem(SESSION_KEY).catch(() => null);
    let stored: { id: string; lastAt: number } | null = null;
    try {
      stored = raw ? (JSON.parse(raw) as { id: string; lastAt: number }) : null;
    } catch {
      stored = null;
    }
    const next = sessionFor(stored, Date.now(), randomId);
    await browser.sessionStorage.setItem(SESSION_KEY, JSON.stringify(next)).catch(() => undefined);
    return next.id;
  };

  const batcher = new Batcher({
    async send(events) {
      if (!clientId) return false;
      // A string body goes as text/plain: a simple request, no CORS preflight; keepalive outlives the page.
      const body = JSON.stringify({ shop, clientId, sessionId: await session(), events });
      const res = await fetch(`${serverUrl}/pixel/events`, { method: "POST", body, keepalive: true });
      // A 4xx will not get better by retrying: the server said what was wrong, the batch is dropped.
      return res.ok || (res.status >= 400 && res.status < 500 && res.status !== 429);
    },
    setTimer: (run, ms) => setTimeout(run, ms),
    clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  });

  let signedInReported = false;
  for (const name of STANDARD_PIXEL_EVENTS) {
    analytics.subscribe(name, (received) => {
      // Read through our narrow view: each standard event carries only some of these fields.
      const event = received as unknown as StandardEvent & { clientId?: string };
      if (typeof event.clientId === "string") clientId = event.clientId;
      const outgoing = toOutgoing(event);
      if (!outgoing) return;
      batcher.add(outgoing);
      if (!signedInReported && name === "page_viewed") {
        signedInReported = true;
        const signedIn = customerIdentified(init.data.customer, outgoing.id, outgoing.at);
        if (signedIn) batcher.add(signedIn);
      }
    });
  }
});
