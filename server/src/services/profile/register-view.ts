import { currentConsentState, normalizeShopifyCustomerId, type ShopSettings } from "@c360/shared";
import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { fixedStatement } from "../../db/prepared";
import { HttpError } from "../../http/errors";
import { consentEntryOf, type ConsentEntryRow } from "../consent/consent-entries";
import { customerSummary, SUMMARY_COLUMNS, spendOf, type ProfileRow } from "./profile-view";
import { parseStoredSettings } from "../shop/shop";

/**
 * The profile columns the register shows: the rest of the row (dozens of
 * columns, jsonb among them) is neither read nor sent.
 */
/** The register reads only what its summary shows. */
const REGISTER_COLUMNS = SUMMARY_COLUMNS;

interface RegisterRow extends Pick<ProfileRow, (typeof REGISTER_COLUMNS)[number]> {
  /** The shop's settings as stored JSON text: the key of {@link settingsOf}'s cache. */
  shop_settings: string | null;
  ids: { kind: string; value: string }[] | string | null;
  consent_rows: ConsentEntryRow[] | string | null;
  open_duplicates: string | number;
  recent_orders:
    | { order_id: string; placed_at: string; total: string | number; products: string[] | null }[]
    | string
    | null;
}

// Settings change rarely and every lookup of a shop carries the same text; parsing it (zod, defaults)
// was a visible share of a lookup. Keyed by the exact text, so an edit is seen on the next lookup.
const parsedSettings = new Map<string, ShopSettings>();
function settingsOf(text: string | null): ShopSettings {
  const key = text ?? "";
  let settings = parsedSettings.get(key);
  if (!settings) {
    if (parsedSettings.size >= 256) parsedSettings.clear();
    settings = parseStoredSettings(text);
    parsedSettings.set(key, settings);
  }
  return settings;
}

const parsed = <T>(v: T | string | null): T | null => (typeof v === "string" ? (JSON.parse(v) as T) : v);
const iso = (d: Date | string | null | undefined) => (d == null ? null : new Date(d).toISOString());

/** The one statement behind the register view; exported so the bench can EXPLAIN exactly what runs. */
export function registerViewQuery(shopId: string, shopifyId: string): SQL {
  return sql`SELECT ${sql.raw(REGISTER_COLUMNS.map((c) => `p.${c}`).join(", "))}, s.settings::text AS shop_settings,
      (SELECT json_agg(json_build_object('kind', i.kind, 'value', i.value) ORDER BY i.linked_at, i.kind, i.value)
         FROM identifiers i WHERE i.shop_id = p.shop_id AND i.profile_id = p.id) AS ids,
      (SELECT json_agg(json_build_object('id', c.id, 'channel', c.channel, 'action', c.action, 'acted_at', c.acted_at,
        'received_at', c.received_at))
         FROM consents c WHERE c.shop_id = p.shop_id AND c.profile_id = p.id) AS consent_rows,
      (SELECT count(*) FROM merge_candidates m WHERE m.shop_id = p.shop_id AND m.status = 'open'
        AND m.profile_id = p.id)
         + (SELECT count(*) FROM merge_candidates m WHERE m.shop_id = p.shop_id AND m.status = 'open'
           AND m.other_profile_id = p.id) AS open_duplicates,
      (SELECT json_agg(json_build_object('order_id', r.order_id, 'placed_at', r.placed_at, 'total', r.total, 'products',
                (SELECT json_agg(l.title ORDER BY l.line_id) FROM order_lines l WHERE l.shop_id = p.shop_id
                  AND l.order_id = r.order_id))
              ORDER BY r.placed_at DESC, r.order_id)
         FROM (SELECT o.order_id, o.placed_at, o.total FROM orders o
               WHERE o.shop_id = p.shop_id AND o.profile_id = p.id AND o.cancelled_at IS NULL
               ORDER BY o.placed_at DESC, o.order_id LIMIT 5) r) AS recent_orders
    FROM identifiers x
    JOIN profiles p ON p.shop_id = x.shop_id AND p.id = x.profile_id
    JOIN shops s ON s.shop_id = x.shop_id
    WHERE x.shop_id = ${shopId} AND x.kind = 'shopify' AND x.value = ${shopifyId}`;
}

const registerViewRows = fixedStatement(2, registerViewQuery);

/**
 * The register's view of a customer (`GET /api/pos/customers/:id`) in one round trip: the profile found
 * through the Shopify-ID primary key, with its identifiers, consent rows, open duplicates and the shop's
 * settings gathered by indexed sub-selects, prepared once per connection. This is the path every checkout
 * waits on.
 */
export async function registerView(database: Database, shopId: string, rawCustomerId: string, now: Date) {
  const shopifyId = normalizeShopifyCustomerId(rawCustomerId);
  if (!shopifyId) throw new HttpError(400, "invalid_customer", `"${rawCustomerId}" is not a Shopify customer ID`);
  const [row] = await registerViewRows<RegisterRow>(database, shopId, shopifyId);
  if (!row) return null;
  const settings = settingsOf(row.shop_settings);
  const ids = parsed(row.ids) ?? [];
  const consent = currentConsentState((parsed(row.consent_rows) ?? []).map(consentEntryOf));
  const held = { shopifyCustomerId: shopifyId, identifiers: ids, consent, openDuplicates: Number(row.open_duplicates) };
  return {
    ...customerSummary(row, settings, held),
    redemption: settings.loyalty.redemption,
    recentOrders: (parsed(row.recent_orders) ?? []).map((o) => ({
      orderId: o.order_id,
      placedAt: iso(o.placed_at)!,
      // Stored in minor units like spend; answered in the shop's currency like the spend beside it.
      total: spendOf(o.total, settings.currency),
      products: o.products ?? [],
    })),
    asOf: now.toISOString(),
  };
}
