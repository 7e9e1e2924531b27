/**
 * Shopify Admin GraphQL shapes read into the webhook payload shapes our ingestion already takes, so a
 * customer or order fetched from the Admin API (register lookup, bulk backfill) lands exactly as the same
 * record arriving by webhook would. Plus the cost-throttle arithmetic and the consent write-back input.
 */

/** `gid://shopify/Customer/123` → `123`; a bare numeric ID is kept; anything else is null. */
export function idFromGid(gid: unknown): string | null {
  if (typeof gid !== "string") return null;
  const m = /^(?:gid:\/\/shopify\/[A-Za-z]+\/)?(\d+)(?:\?.*)?$/.exec(gid);
  return m ? m[1]! : null;
}

export const customerGid = (id: string) => `gid://shopify/Customer/${id}`;

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Obj) : null);
const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
const money = (v: unknown): { amount: string; currencyCode: string | null } | null => {
  const shop = obj(obj(v)?.shopMoney);
  return shop && typeof shop.amount === "string"
    ? { amount: shop.amount, currencyCode: text(shop.currencyCode) }
    : null;
};
const nodes = (v: unknown): Obj[] => {
  const o = obj(v);
  const list = Array.isArray(v)
    ? v
    : Array.isArray(o?.nodes)
      ? o.nodes
      : Array.isArray(o?.edges)
        ? o.edges.map((e) => obj(e)?.node)
        : [];
  return list.map(obj).filter((x): x is Obj => x !== null);
};

/** Shopify's marketing consent on a customer, as its webhooks spell it (`email_marketing_consent`). */
export interface AdminMarketingConsent {
  state: string;
  opt_in_level: string | null;
  consent_updated_at: string | null;
}
const consentOf = (v: unknown): AdminMarketingConsent | null => {
  const c = obj(v);
  const state = text(c?.marketingState);
  return state
    ? {
        state: state.toLowerCase(),
        opt_in_level: text(c?.marketingOptInLevel)?.toLowerCase() ?? null,
        consent_updated_at: text(c?.consentUpdatedAt),
      }
    : null;
};

/** An Admin GraphQL `Customer` node as a `customers/update` webhook payload. */
export function adminCustomerToWebhook(node: Obj) {
  const address = obj(node.defaultAddress);
  return {
    id: idFromGid(node.legacyResourceId ?? node.id),
    email: text(node.email),
    phone: text(node.phone),
    first_name: text(node.firstName),
    last_name: text(node.lastName),
    created_at: text(node.createdAt),
    updated_at: text(node.updatedAt),
    tags: Array.isArray(node.tags) ? node.tags.filter((t): t is string => typeof t === "string") : [],
    default_address: address
      ? {
          address1: text(address.address1),
          address2: text(address.address2),
          city: text(address.city),
          zip: text(address.zip),
          country_code: text(address.countryCodeV2),
        }
      : null,
    email_marketing_consent: consentOf(node.emailMarketingConsent),
    sms_marketing_consent: consentOf(node.smsMarketingConsent),
  };
}

/**
 * An Admin GraphQL `Order` node as an `orders/updated` webhook payload. `customer` may be the order's
 * own nested customer or, in a bulk result, the parent line; line items come nested or as `children`.
 */
export function adminOrderToWebhook(node: Obj, children: { lineItems?: Obj[]; customerId?: string | null } = {}) {
  const total = money(node.currentTotalPriceSet) ?? money(node.totalPriceSet);
  const customer = obj(node.customer);
  const customerId = idFromGid(customer?.id) ?? children.customerId ?? null;
  const lines = children.lineItems ?? nodes(node.lineItems);
  return {
    id: idFromGid(node.legacyResourceId ?? node.id),
    email: text(node.email),
    phone: text(node.phone),
    total_price: total?.amount ?? "0",
    currency: total?.currencyCode ?? text(node.currencyCode) ?? "USD",
    source_name: text(node.sourceName),
    location_id: idFromGid(obj(node.retailLocation)?.id ?? obj(node.physicalLocation)?.id),
    created_at: text(node.createdAt),
    updated_at: text(node.updatedAt) ?? text(node.createdAt),
    cancelled_at: text(node.cancelledAt),
    customer: customerId
      ? {
          id: customerId,
          email: text(customer?.email),
          phone: text(customer?.phone),
          first_name: text(customer?.firstName),
          last_name: text(customer?.lastName),
        }
      : null,
    line_items: lines.map((l) => ({
      id: idFromGid(l.id),
      product_id: idFromGid(obj(l.product)?.id),
      variant_id: idFromGid(obj(l.variant)?.id),
      title: text(l.title) ?? "",
      quantity: typeof l.quantity === "number" ? l.quantity : 0,
      price: money(l.originalUnitPriceSet)?.amount ?? "0",
    })),
  };
}

/** `extensions.cost` of an Admin GraphQL answer. */
export interface GraphqlCost {
  requestedQueryCost: number;
  actualQueryCost?: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

/**
 * How long to wait before a query of `cost` points fits in the shop's bucket: the missing points at the
 * restore rate (Standard shops restore 100 points/s), at least a second so a retry does not spin.
 */
export function throttleWaitMs(cost: GraphqlCost, requested = cost.requestedQueryCost): number {
  const { currentlyAvailable, restoreRate } = cost.throttleStatus;
  const missing = Math.max(0, requested - currentlyAvailable);
  return Math.max(1000, Math.ceil((missing / Math.max(1, restoreRate)) * 1000));
}

export type ConsentWriteBack =
  | { channel: "email"; input: { emailMarketingConsent: Record<string, string> } }
  | { channel: "sms"; input: { smsMarketingConsent: Record<string, string> } };

/** Our consent ledger row as Shopify's marketing-consent mutation input (null: a channel Shopify does not hold). */
export function consentWriteBack(row: {
  channel: string;
  action: "granted" | "revoked";
  actedAt: Date;
  locationId: string | null;
}) {
  const marketingState = row.action === "granted" ? "SUBSCRIBED" : "UNSUBSCRIBED";
  const consent = {
    marketingState,
    marketingOptInLevel: "SINGLE_OPT_IN",
    consentUpdatedAt: row.actedAt.toISOString(),
    // Only a Shopify location (numeric ID) is named; a tablet's own location label is not one.
    ...(row.locationId && /^\d+$/.test(row.locationId)
      ? { sourceLocationId: `gid://shopify/Location/${row.locationId}` }
      : {}),
  };
  // A global unsubscribe ("all") reaches both channels Shopify keeps; a grant is always for one channel.
  const channels = row.channel === "all" ? (row.action === "revoked" ? ["email", "sms"] : []) : [row.channel];
  return channels.flatMap((channel): ConsentWriteBack[] => {
    if (channel === "email") return [{ channel: "email" as const, input: { emailMarketingConsent: consent } }];
    if (channel === "sms") return [{ channel: "sms" as const, input: { smsMarketingConsent: consent } }];
    return [];
  });
}
