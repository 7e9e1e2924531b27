/**
 * Query keys of every server read, in one place, so an action invalidates exactly what it changed:
 * an undo refreshes the profile, its explanation and merges; an erase refreshes the profile, the
 * preview and the inventory (#20 item 7).
 */
import { QueryClient, type QueryKey, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { ApiError } from "./api";

export const keys = {
  dashboard: ["dashboard"] as const,
  recompute: (jobId: string) => ["recompute", jobId] as const,
  customers: (params: unknown) => ["customers", params] as const,
  customersAll: ["customers"] as const,
  /** Every profile read, of any customer: a merge or its undo changes two customers at once. */
  profilesAll: ["profile"] as const,
  profile: (id: string) => ["profile", id] as const,
  /** Everything read about one customer: profile, explanation, consents, merges, GDPR preview. */
  aboutProfile: (id: string) => ["profile", id] as const,
  explain: (id: string) => ["profile", id, "explain"] as const,
  consents: (id: string) => ["profile", id, "consents"] as const,
  merges: (id?: string) => (id ? (["profile", id, "merges"] as const) : (["merges"] as const)),
  mergesAll: ["merges"] as const,
  gdprPreview: (id: string) => ["profile", id, "gdpr-preview"] as const,
  inventory: ["gdpr-inventory"] as const,
  settings: ["settings"] as const,
  consentTexts: ["consent-texts"] as const,
  devices: ["devices"] as const,
  locations: ["locations"] as const,
  messagingKeys: ["messaging-keys"] as const,
  duplicates: ["duplicates"] as const,
  webhookHealth: ["webhooks", "health"] as const,
  deadLetters: ["webhooks", "dead"] as const,
  shopify: ["shopify"] as const,
  agency: ["agency"] as const,
};

/** A client error (4xx) will not change by asking again; a dropped connection or a 503 might. */
export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: (count, error) => count < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
        refetchOnWindowFocus: false,
        staleTime: 5_000,
      },
    },
  });
}

/**
 * What an action changed, marked stale in one call; resolves once the visible reads have refetched. The
 * function is the same across renders (an effect may depend on it without firing again).
 */
export function useInvalidate() {
  const client = useQueryClient();
  return useCallback(
    (...changed: QueryKey[]) => Promise.all(changed.map((queryKey) => client.invalidateQueries({ queryKey }))),
    [client],
  );
}
