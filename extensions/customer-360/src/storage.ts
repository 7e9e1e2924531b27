/** The part of the POS Storage API the extension uses; a Map-backed fake satisfies it in tests. */
export interface KeyValueStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<boolean>;
  entries(): Promise<[string, unknown][]>;
}

export const STORAGE_KEYS = {
  outboxPrefix: "c360:outbox:",
  profiles: "c360:profiles",
  consentTexts: "c360:consent-texts",
  visit: "c360:visit",
} as const;
