/** Everything a target needs besides its view, built once per target from the `shopify` global. */
import type { Cart, ConnectivityState } from "@shopify/ui-extensions/point-of-sale";
import { createServerClient, type ServerClient } from "./api";
import { APP_URL, REQUEST_TIMEOUT_MS } from "./config";
import type { RegisterSession } from "./consent-capture";
import { newUuid } from "./ids";
import { Outbox } from "./offline-queue";
import { ProfileCache } from "./profile-cache";
import type { RedemptionCart } from "./redemption";
import type { KeyValueStore } from "./storage";

/** A POS signal (cart, connectivity, locale): a current value and change notifications. */
export interface SignalLike<T> {
  readonly value: T;
  subscribe(fn: (value: T) => void): () => void;
}

/** The slice of the POS API the targets use; typed here so the views depend on exactly this. */
export interface PosApi {
  session: {
    currentSession: RegisterSession & { shopDomain?: string };
    getSessionToken: () => Promise<string | undefined>;
  };
  storage: {
    get(key: string): Promise<unknown>;
    set(key: string, value: unknown): Promise<void>;
    delete(key: string): Promise<boolean>;
    entries(): Promise<[string, unknown][]>;
  };
  toast: { show(content: string): void };
  connectivity: { current: SignalLike<ConnectivityState> };
  locale: { current: SignalLike<string> };
}

/** Targets that see the cart (tile, modal): look-up and "Add to cart" act on it. */
export interface CartPosApi extends PosApi {
  cart: {
    current: SignalLike<Cart>;
    setCustomer(customer: { id: number }): Promise<void>;
    addLineItem(variantId: number, quantity: number): Promise<string>;
  } & RedemptionCart;
}

/** The `shopify` global POS installs for every target (2025-10 on). */
export function shopifyGlobal<T extends PosApi>(): T {
  const api = (globalThis as { shopify?: T }).shopify;
  if (!api) throw new Error("Customer 360 runs inside Shopify POS: the `shopify` global is missing.");
  return api;
}

export interface Services {
  client: ServerClient;
  outbox: Outbox;
  cache: ProfileCache;
  store: KeyValueStore;
  session: RegisterSession;
  toast: (message: string) => void;
  now: () => Date;
  newId: () => string;
}

export function createServices(api: PosApi, overrides: Partial<Pick<Services, "now" | "newId">> = {}): Services {
  const store: KeyValueStore = {
    get: (key) => api.storage.get(key),
    set: (key, value) => api.storage.set(key, value),
    delete: (key) => api.storage.delete(key),
    entries: () => api.storage.entries(),
  };
  const client = createServerClient({
    appUrl: APP_URL,
    getSessionToken: () => api.session.getSessionToken(),
    timeoutMs: REQUEST_TIMEOUT_MS,
  });
  return {
    client,
    store,
    outbox: new Outbox(store, { consent: (body) => client.postConsent(body), visit: (body) => client.postVisit(body) }),
    cache: new ProfileCache(store),
    session: api.session.currentSession,
    toast: (message) => api.toast.show(message),
    now: overrides.now ?? (() => new Date()),
    newId: overrides.newId ?? newUuid,
  };
}
