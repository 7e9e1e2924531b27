import { locationLabel } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { queryRows, type RawRow } from "../../db/rows";
import type * as tables from "../../db/schema";
import type { Logger } from "../../http/logger";
import type { ShopifyAdmin } from "../../shopify/admin";

export interface ShopLocation {
  id: string;
  name: string;
  /** Whether Shopify named it; otherwise it was only seen on visits, orders or tablets. */
  named: boolean;
}

const LOCATIONS_QUERY = `query Locations { locations(first: 100) { nodes { id name } } }`;

/**
 * Refreshes the stored names from the Admin API when the shop is connected. A failure (not connected,
 * throttled, Shopify down) keeps the names stored before: choosing a location must not depend on Shopify.
 */
export async function refreshLocationNames(
  q: Queryable,
  admin: ShopifyAdmin | undefined,
  shopId: string,
  now: Date,
  log: Logger,
): Promise<void> {
  if (!admin) return;
  try {
    type Answer = { locations: { nodes: { id: string; name: string }[] } };
    const { data } = await admin.graphql<Answer>(shopId, LOCATIONS_QUERY, {}, q);
    const nodes = (data?.locations.nodes ?? []).filter(
      (n) => typeof n.id === "string" && typeof n.name === "string" && n.name.trim(),
    );
    if (nodes.length === 0) return;
    await q.execute(sql`INSERT INTO locations (shop_id, id, name, updated_at)
      SELECT ${shopId}, x.id, x.name, ${now}
      FROM jsonb_to_recordset(${JSON.stringify(nodes)}::jsonb) AS x(id text, name text)
      ON CONFLICT (shop_id, id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at`);
  } catch (error) {
    const why = (error as Error).message;
    log({ level: "info", msg: "location names not refreshed from Shopify", shop: shopId, error: why });
  }
}

/**
 * The shop's locations to choose from: those Shopify named, and every location ID seen in this shop's
 * POS visits, orders, tablets and pairing codes, with a readable label where no name is known.
 */
export async function listLocations(q: Queryable, shopId: string): Promise<ShopLocation[]> {
  const rows = await queryRows<{ id: string; name: string | null }>(
    q,
    sql`SELECT s.id, l.name FROM (
          SELECT id FROM locations WHERE shop_id = ${shopId}
          UNION SELECT location_id FROM visits WHERE shop_id = ${shopId} AND location_id IS NOT NULL
          UNION SELECT location_id FROM orders WHERE shop_id = ${shopId} AND location_id IS NOT NULL
          UNION SELECT location_id FROM devices WHERE shop_id = ${shopId} AND location_id IS NOT NULL
          UNION SELECT location_id FROM pairing_codes WHERE shop_id = ${shopId} AND location_id IS NOT NULL
        ) s LEFT JOIN locations l ON l.shop_id = ${shopId} AND l.id = s.id`,
  );
  return rows
    .map((r) => ({ id: r.id, name: locationLabel(r.id, r.name) ?? r.id, named: r.name !== null }))
    .sort((a, b) => Number(b.named) - Number(a.named) || a.name.localeCompare(b.name));
}

/** The name a tablet shows for its location (null for a tablet paired to any location). */
export async function locationName(q: Queryable, shopId: string, locationId: string | null): Promise<string | null> {
  if (!locationId) return null;
  const [row] = await queryRows<RawRow<typeof tables.locations, "name">>(
    q,
    sql`SELECT name FROM locations WHERE shop_id = ${shopId} AND id = ${locationId}`,
  );
  return locationLabel(locationId, row?.name);
}
