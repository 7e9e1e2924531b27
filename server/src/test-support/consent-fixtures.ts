import { DEFAULT_CONSENT_TEXTS, type Channel } from "@c360/shared";
import { expect } from "vitest";
import type { TestServer } from "./harness";
import { customerPayload } from "./payloads";

/** A customer created the way Shopify would (customers/create), answered with its profile id. */
export async function createCustomer(
  t: TestServer,
  id: number,
  o: { email?: string; phone?: string; shop?: string } = {},
): Promise<string> {
  const res = await t.webhook(
    "customers/create",
    customerPayload({ id, email: o.email ?? `c${id}@shopper.io`, phone: o.phone ?? null }),
    { shop: o.shop },
  );
  expect(res.status).toBe(200);
  await t.drain();
  const profile = await t.api("GET", `/api/profiles/by-shopify-customer/${id}`, { shop: o.shop });
  expect(profile.status).toBe(200);
  return (await profile.json()).profileId as string;
}

/** A consent capture with the shop's default text for the channel, as the register sends it. */
export function capture(profileId: string, channel: Channel, over: Record<string, unknown> = {}) {
  const text = DEFAULT_CONSENT_TEXTS.find((x) => x.channel === channel && x.locale === "en")!;
  return {
    id: crypto.randomUUID(),
    profileId,
    channel,
    action: "granted",
    textVersion: text.version,
    text: text.text,
    locale: "en",
    actedAt: "2026-11-25T11:00:00Z",
    source: "pos",
    locationId: "loc-1",
    jurisdiction: "EU",
    ...over,
  };
}

export async function grant(
  t: TestServer,
  profileId: string,
  channels: Channel[],
  over: Record<string, unknown> = {},
  shop?: string,
) {
  const res = await t.api("POST", "/api/consents", {
    body: { consents: channels.map((ch) => capture(profileId, ch, over)) },
    shop,
  });
  expect(res.status).toBe(201);
  return res.json();
}
