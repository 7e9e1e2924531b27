import { normalizeIdentifiers, type WebhookCustomer } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../db/client";
import { recomputeProfile } from "./recompute-profile";
import { resolveEventIdentity } from "./resolve-identity";
import type { ShopContext } from "./shop";

/** customers/create and customers/update: link the Shopify ID with its email and phone; names and address fill in. */
export async function ingestCustomer(q: Queryable, shop: ShopContext, customer: WebhookCustomer, now: Date): Promise<void> {
  const identifiers = normalizeIdentifiers(
    { shopifyCustomerId: customer.id, email: customer.email, phone: customer.phone },
    { defaultCountry: shop.settings.defaultCountry, junk: shop.settings.junkIdentifiers },
  );
  const at = customer.updated_at ?? customer.created_at ?? now;
  const resolution = await resolveEventIdentity(
    q,
    shop,
    { id: `customer:${customer.id}:${at.toISOString()}`, source: "customer", identifiers, at },
    now,
  );
  if (!resolution) return;
  // Shopify's own customer record is the authority for the names it carries.
  await q.execute(sql`UPDATE profiles SET
      first_name = coalesce(${customer.first_name}, first_name), last_name = coalesce(${customer.last_name}, last_name),
      postcode = coalesce(${customer.default_address?.zip ?? null}, postcode),
      address1 = coalesce(${customer.default_address?.address1 ?? null}, address1)
    WHERE shop_id = ${shop.shopId} AND id = ${resolution.profileId}`);
  await recomputeProfile(q, shop.shopId, resolution.profileId, shop.settings, now);
}
