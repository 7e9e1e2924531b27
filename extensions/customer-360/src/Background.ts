/**
 * `pos.app.ready.data`: runs for the whole POS session without a screen. From API 2026-04 on, Shopify
 * replaced the `pos.transaction-complete.event.observe` target with this one and
 * `shopify.addEventListener("transactioncomplete")`. A completed sale spends the points its cart held
 * (the order webhook does too; whichever arrives first, the server spends them once).
 */
import type { ShopifyEventMap } from "@shopify/ui-extensions/point-of-sale";
import { APP_URL } from "./config";
import { newUuid } from "./ids";
import { createRedemptions } from "./redemption";
import type { PosApi, SignalLike } from "./services";
import type { ConnectivityState } from "@shopify/ui-extensions/point-of-sale";

interface BackgroundApi {
  session: PosApi["session"];
  storage: PosApi["storage"];
  connectivity: { current: SignalLike<ConnectivityState> };
  addEventListener<K extends keyof ShopifyEventMap>(type: K, listener: (event: ShopifyEventMap[K]) => void): void;
}

export default async () => {
  const api = (globalThis as { shopify?: BackgroundApi }).shopify;
  if (!api) throw new Error("Customer 360 runs inside Shopify POS: the `shopify` global is missing.");
  // No cart here: this target only spends what the modal put on the cart.
  const redemptions = createRedemptions({
    appUrl: APP_URL,
    getSessionToken: () => api.session.getSessionToken(),
    isOnline: () => api.connectivity.current.value.internetConnected === "Connected",
    newId: newUuid,
    store: {
      get: (key) => api.storage.get(key),
      set: (key, value) => api.storage.set(key, value),
      delete: (key) => api.storage.delete(key),
      entries: () => api.storage.entries(),
    },
  });
  api.addEventListener("transactioncomplete", (event) => {
    if (event.transactionType !== "Sale" || event.orderId == null) return;
    void redemptions.complete(event.orderId);
  });
};
