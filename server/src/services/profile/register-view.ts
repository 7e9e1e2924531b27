import { currentConsentState, normalizeShopifyCustomerId, type ShopSettings } from "@c360/shared";
import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { fixedStatement } from "../../db/prepared";
import { jsonOf } from "../../db/rows";
import { HttpError } from "../../http/errors";
import { consentEntryOf, type ConsentEntryRow } from "../consent/consent-entries";
import { customerSummary, SUMMARY_COLUMNS, spendOf, type ProfileRow } from "./profile-view";
import { parseStoredSettings } from "../shop/shop";

/**
 * The profile columns the register shows: the rest of the row (dozens of
 * columns, jsonb among them) is neither read nor sent.
 */
const REGISTER_COLUMNS = SUMMARY_COLUMNS;

/** The register summary (migration 0016, `c360_register_summary`): what the register shows beyond the profile. */
interface RegisterSummary {
  ids: { kind: string; value: string }[];
  consent_rows: ConsentEntryRow[];
  recent_orders: { order_id: string; placed_at: string; total: number; products: string[] | null }[];
}

interface RegisterRow extends Pick<ProfileRow, (typeof REGISTER_COLUMNS)[number]> {
  /** The shop's settings as stored JSON text: the key of {@link settingsOf}'s cache. */
  shop_settings: string | null;
  summary: RegisterSummary | string;
  open_duplicates: string | number;
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

const iso = (d: Date | string | null | undefined) => (d == null ? null : new Date(d).toISOString());

/**
 * The one statement behind the register view; exported so the bench can EXPLAIN exactly what runs. The summary
 * is one primary-key read: the database keeps it current in every writer's transaction, and computes it here
 * with the same function for a profile that has none yet. Open duplicates are counted here (see migration 0016
 * for why), with the status as a filter so the plan always probes the pair indexes.
 */
export function registerViewQuery(shopId: string, shopifyId: string): SQL {
  return sql`SELECT ${sql.raw(REGISTER_COLUMNS.map((c) => `p.${c}`).join(", "))}, s.settings::text AS shop_settings,
      coalesce(r.summary, c360_register_summary(p.shop_id, p.id)) AS summary,
      (SELECT count(*) FILTER (WHERE m.status = 'open') FROM merge_candidates m
        WHERE m.shop_id = p.shop_id AND m.profile_id = p.id)
        + (SELECT count(*) FILTER (WHERE m.status = 'open') FROM merge_candidates m
          WHERE m.shop_id = p.shop_id AND m.other_profile_id = p.id) AS open_duplicates
    FROM identifiers x
    JOIN profiles p ON p.shop_id = x.shop_id AND p.id = x.profile_id
    JOIN shops s ON s.shop_id = x.shop_id
    LEFT JOIN register_summaries r ON r.shop_id = p.shop_id AND r.profile_id = p.id
    WHERE x.shop_id = ${shopId} AND x.kind = 'shopify' AND x.value = ${shopifyId}`;
}

const registerViewRows = fixedStatement(2, registerViewQuery);

/**
 * The register's view of a customer (`GET /api/pos/customers/:id`) in one round trip: the profile found
 * through the Shopify-ID primary key, with its register summary (identifiers, consent rows, open duplicates,
 * recent orders) and the shop's settings, prepared once per connection. This is the path every checkout
 * waits on.
 */
export async function registerView(database: Database, shopId: string, rawCustomerId: string, now: Date) {
  const shopifyId = normalizeShopifyCustomerId(rawCustomerId);
  if (!shopifyId) throw new HttpError(400, "invalid_customer", `"${rawCustomerId}" is not a Shopify customer ID`);
  const [row] = await registerViewRows<RegisterRow>(database, shopId, shopifyId);
  if (!row) return null;
  const settings = settingsOf(row.shop_settings);
  const summary = jsonOf<RegisterSummary>(row.summary);
  const consent = currentConsentState(summary.consent_rows.map(consentEntryOf));
  const held = {
    shopifyCustomerId: shopifyId,
    identifiers: summary.ids,
    consent,
    openDuplicates: Number(row.open_duplicates),
  };
  return {
    ...customerSummary(row, settings, held),
    redemption: settings.loyalty.redemption,
    recentOrders: summary.recent_orders.map((o) => ({
      orderId: o.order_id,
      placedAt: iso(o.placed_at)!,
      // Stored in minor units like spend; answered in the shop's currency like the spend beside it.
      total: spendOf(o.total, settings.currency),
      products: o.products ?? [],
    })),
    asOf: now.toISOString(),
  };
}
