/** The part of the POS Storage API the extension uses; a Map-backed fake satisfies it in tests. */
export interface KeyValueStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<boolean>;
  entries(): Promise<[string, unknown][]>;
}

export const STORAGE_KEYS = {
  /** The whole offline queue, one record (POS Storage allows 100 per extension). */
  outbox: "c360:outbox",
  /** One record per action, as versions before the Preact port kept them; read once and merged. */
  legacyOutboxPrefix: "c360:outbox:",
  profiles: "c360:profiles",
  consentTexts: "c360:consent-texts",
  visit: "c360:visit",
} as const;
