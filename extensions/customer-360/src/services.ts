/** Everything a target needs besides its view, built once per target from the POS API. */
import { createServerClient, type ServerClient } from "./api";
import { APP_URL, REQUEST_TIMEOUT_MS } from "./config";
import type { RegisterSession } from "./consent-capture";
import { newUuid } from "./ids";
import { Outbox } from "./offline-queue";
import { ProfileCache } from "./profile-cache";
import type { KeyValueStore } from "./storage";

/** The slice of the POS API every target has (StandardApi); typed here so tests can fake exactly this. */
export interface PosBaseApi {
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
  toast: { show(content: string, options?: { duration?: number }): void };
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

export function createServices(api: PosBaseApi, overrides: Partial<Pick<Services, "now" | "newId">> = {}): Services {
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
