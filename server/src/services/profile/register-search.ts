/**
 * The register's customer look-up: by email or phone (normalized as identity resolution stores them),
 * otherwise by part of a name or email. Each match carries its Shopify customer ID (to attach to the
 * cart) and its emails and phones (so the clerk confirms who it is). Active profiles of one shop only.
 */
import type { RegisterCustomerMatch } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows } from "../../db/rows";
import { customerMatch } from "./profile-search";
import type { ShopContext } from "../shop/shop";

export async function searchRegisterCustomers(
  q: Queryable,
  shop: ShopContext,
  query: string,
  limit: number,
): Promise<RegisterCustomerMatch[]> {
  const match = customerMatch(shop, query);
  const rows = await queryRows<{
    id: string;
    first_name: string | null;
    last_name: string | null;
    kind: string | null;
    value: string | null;
  }>(
    q,
    sql`WITH found AS (
          SELECT p.id, p.first_name, p.last_name, p.last_activity_at FROM profiles p
          WHERE p.shop_id = ${shop.shopId} AND p.status = 'active' AND ${match}
          ORDER BY p.last_activity_at DESC NULLS LAST, p.id LIMIT ${limit})
        SELECT f.id, f.first_name, f.last_name, i.kind, i.value FROM found f
        LEFT JOIN identifiers i ON i.shop_id = ${shop.shopId} AND i.profile_id = f.id
          AND i.kind IN ('shopify', 'email', 'phone')
        ORDER BY f.last_activity_at DESC NULLS LAST, f.id, i.kind, i.linked_at`,
  );
  const byId = new Map<string, RegisterCustomerMatch>();
  for (const r of rows) {
    let found = byId.get(r.id);
    if (!found) {
      found = {
        profileId: r.id,
        shopifyCustomerId: null,
        firstName: r.first_name,
        lastName: r.last_name,
        emails: [],
        phones: [],
      };
      byId.set(r.id, found);
    }
    if (r.kind === "shopify" && found.shopifyCustomerId === null) found.shopifyCustomerId = r.value;
    if (r.kind === "email" && r.value) found.emails.push(r.value);
    if (r.kind === "phone" && r.value) found.phones.push(r.value);
  }
  return [...byId.values()];
}
