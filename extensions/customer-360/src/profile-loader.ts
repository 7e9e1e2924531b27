/**
 * Live when it can, kept when it must: the register asks the server, and on no connection, a timeout
 * or a server fault shows the last profile it kept, labelled with when that was fetched.
 */
import type { PosCustomerView } from "@c360/shared";
import { ServerCallError, type ConsentText, type ServerClient } from "./api";
import type { ProfileCache } from "./profile-cache";

export type ProfileState =
  | { status: "loading" }
  | { status: "live"; view: PosCustomerView; fetchedAt: string }
  | { status: "cached"; view: PosCustomerView; fetchedAt: string }
  | { status: "not_found"; message: string }
  | { status: "unavailable"; message: string };

export async function loadProfile(deps: {
  client: ServerClient;
  cache: ProfileCache;
  connected: boolean;
  shopifyCustomerId: string;
  now: Date;
}): Promise<ProfileState> {
  const { client, cache, shopifyCustomerId } = deps;
  if (deps.connected) {
    try {
      const view = await client.customerView(shopifyCustomerId);
      await cache.put(shopifyCustomerId, view, deps.now).catch(() => undefined);
      return { status: "live", view, fetchedAt: deps.now.toISOString() };
    } catch (error) {
      if (error instanceof ServerCallError && error.kind === "rejected") {
        if (error.status === 404)
          return { status: "not_found", message: "This customer has no Customer 360 profile yet." };
        return { status: "unavailable", message: error.message };
      }
    }
  }
  const kept = await cache.get(shopifyCustomerId).catch(() => undefined);
  if (kept) return { status: "cached", view: kept.view, fetchedAt: kept.fetchedAt };
  return { status: "unavailable", message: "Offline, and this customer was not seen on this register yet." };
}

export async function loadConsentTexts(deps: {
  client: ServerClient;
  cache: ProfileCache;
  connected: boolean;
}): Promise<ConsentText[]> {
  if (deps.connected) {
    try {
      const texts = await deps.client.consentTexts();
      await deps.cache.putConsentTexts(texts).catch(() => undefined);
      return texts;
    } catch {
      // fall through to the kept copy
    }
  }
  return (await deps.cache.consentTexts().catch(() => undefined)) ?? [];
}
