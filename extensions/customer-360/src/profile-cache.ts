/**
 * The last register view of each recent customer, kept in POS storage so a clerk on bad Wi-Fi still
 * sees who is at the counter, marked with when it was fetched.
 */
import type { PosCustomerView } from "@c360/shared";
import type { ConsentText } from "./api";
import { STORAGE_KEYS, type KeyValueStore } from "./storage";

export interface CachedProfile {
  shopifyCustomerId: string;
  view: PosCustomerView;
  fetchedAt: string;
}

/** Enough for the customers of one shift; older ones drop off so storage stays small. */
export const MAX_CACHED_PROFILES = 20;

export function rememberProfile(kept: readonly CachedProfile[], entry: CachedProfile): CachedProfile[] {
  const others = kept.filter((p) => p.shopifyCustomerId !== entry.shopifyCustomerId);
  return [entry, ...others].slice(0, MAX_CACHED_PROFILES);
}

export class ProfileCache {
  constructor(private readonly store: KeyValueStore) {}

  async get(shopifyCustomerId: string): Promise<CachedProfile | undefined> {
    const kept = await this.all();
    return kept.find((p) => p.shopifyCustomerId === shopifyCustomerId);
  }

  async put(shopifyCustomerId: string, view: PosCustomerView, fetchedAt: Date): Promise<void> {
    const kept = await this.all();
    await this.store.set(
      STORAGE_KEYS.profiles,
      rememberProfile(kept, { shopifyCustomerId, view, fetchedAt: fetchedAt.toISOString() }),
    );
  }

  async consentTexts(): Promise<ConsentText[] | undefined> {
    const texts = await this.store.get(STORAGE_KEYS.consentTexts);
    return Array.isArray(texts) ? (texts as ConsentText[]) : undefined;
  }

  async putConsentTexts(texts: ConsentText[]): Promise<void> {
    await this.store.set(STORAGE_KEYS.consentTexts, texts);
  }

  private async all(): Promise<CachedProfile[]> {
    const raw = await this.store.get(STORAGE_KEYS.profiles);
    if (!Array.isArray(raw)) return [];
    // What storage holds may predate an app update: keep only entries that still look like a view.
    return raw.filter(
      (p): p is CachedProfile =>
        typeof p === "object" &&
        p !== null &&
        typeof (p as CachedProfile).shopifyCustomerId === "string" &&
        typeof (p as CachedProfile).view?.profileId === "string",
    );
  }
}

/** "offline, as of 14:05" in the register's own clock (or the given time zone). */
export function offlineLabel(fetchedAt: string, timeZone?: string): string {
  const time = new Intl.DateTimeFormat("en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone,
  }).format(new Date(fetchedAt));
  return `offline, as of ${time}`;
}
