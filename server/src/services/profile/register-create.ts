import type { RegisterCustomerCreate } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Tx } from "../../db/client";
import { ShopifyNotConnected, type ShopifyAdmin } from "../../shopify/admin";
import { ensureShopifyCustomer } from "../../shopify/jobs";
import { identify } from "../identity/identify";
import { recordProfileChange, type ShopContext } from "../shop/shop";

export interface RegisterCustomerCreated {
  profileId: string;
  /** Null until Shopify knows the customer: the register can attach them to a cart only then. */
  shopifyCustomerId: string | null;
}

/**
 * A customer created at the register: resolved like any capture (the same email or phone lands on the
 * profile that already has it), named where the profile has no name yet, and, when the shop is connected
 * to Shopify, created there in the same request (the customerCreate path the consent write-back uses).
 */
export async function createRegisterCustomer(
  tx: Tx,
  shop: ShopContext,
  input: RegisterCustomerCreate,
  admin: ShopifyAdmin | undefined,
  now: Date,
): Promise<RegisterCustomerCreated> {
  const identifiers = { email: input.email ?? null, phone: input.phone ?? null };
  const eventId = `register:${input.id}`;
  const { profileId } = await identify(tx, shop, { source: "capture", eventId, identifiers }, now);
  await tx.execute(sql`UPDATE profiles SET first_name = COALESCE(first_name, ${input.firstName}),
      last_name = COALESCE(last_name, ${input.lastName ?? null}), updated_at = ${now}
    WHERE shop_id = ${shop.shopId} AND id = ${profileId}`);
  await recordProfileChange(tx, shop.shopId, profileId, "upsert");
  if (!admin) return { profileId, shopifyCustomerId: null };
  try {
    return { profileId, shopifyCustomerId: await ensureShopifyCustomer(tx, admin, shop.shopId, profileId, now) };
  } catch (error) {
    // Not connected yet: saved here, attachable once Shopify knows the customer (the write-back creates them).
    if (error instanceof ShopifyNotConnected) return { profileId, shopifyCustomerId: null };
    throw error;
  }
}
