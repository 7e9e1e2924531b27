/**
 * Shopify's documented sample records (Admin API reference, Customer and Order objects: Bob Norman,
 * customer 207119551, order 450789469, location 655441491) in Admin GraphQL shape, plus a generator of
 * many such records for backfill tests.
 */
export interface StandInCustomer {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
  tags: string[];
  defaultAddress: { address1: string | null; zip: string | null; countryCodeV2: string | null } | null;
  emailMarketingConsent: {
    marketingState: string;
    marketingOptInLevel: string | null;
    consentUpdatedAt: string | null;
  } | null;
  smsMarketingConsent: {
    marketingState: string;
    marketingOptInLevel: string | null;
    consentUpdatedAt: string | null;
  } | null;
}

export interface StandInOrder {
  id: string;
  customerId: string | null;
  email: string | null;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  sourceName: string;
  locationId: string | null;
  total: string;
  currency: string;
  lineItems: { id: string; title: string; quantity: number; productId: string | null; price: string }[];
}

/** Shopify's sample customer (REST/GraphQL reference), with the ID the webhook samples use above 2^53 available too. */
export const BOB_NORMAN: StandInCustomer = {
  id: "207119551",
  firstName: "Bob",
  lastName: "Norman",
  email: "bob.norman@mail.example.com",
  phone: "+16136120707",
  createdAt: "2024-01-01T12:00:00-05:00",
  updatedAt: "2024-01-02T12:00:00-05:00",
  tags: ["Léon", "Noël"],
  defaultAddress: { address1: "Chestnut Street 92", zip: "40202", countryCodeV2: "US" },
  emailMarketingConsent: { marketingState: "NOT_SUBSCRIBED", marketingOptInLevel: null, consentUpdatedAt: null },
  smsMarketingConsent: {
    marketingState: "NOT_SUBSCRIBED",
    marketingOptInLevel: "SINGLE_OPT_IN",
    consentUpdatedAt: null,
  },
};

/** Shopify's sample order 450789469 (IPod Nano, POS location 655441491) for Bob Norman. */
export const BOB_NORMAN_ORDER: StandInOrder = {
  id: "450789469",
  customerId: BOB_NORMAN.id,
  email: BOB_NORMAN.email,
  phone: null,
  createdAt: "2024-03-01T10:00:00-05:00",
  updatedAt: "2024-03-01T10:05:00-05:00",
  cancelledAt: null,
  sourceName: "pos",
  locationId: "655441491",
  total: "598.94",
  currency: "USD",
  lineItems: [{ id: "466157049", title: "IPod Nano - 8gb", quantity: 1, productId: "632910392", price: "199.00" }],
};

/** `customers` customers and `orders` orders spread over them, deterministic, IDs above 2^53. */
export function generatedShop(
  customers: number,
  orders: number,
): { customers: StandInCustomer[]; orders: StandInOrder[] } {
  const base = 706405506930370084n;
  const cs: StandInCustomer[] = [];
  for (let i = 0; i < customers; i++) {
    cs.push({
      ...BOB_NORMAN,
      id: String(base + BigInt(i)),
      firstName: `Customer${i}`,
      lastName: `Sample${i % 97}`,
      email: `customer${i}@mail.example.com`,
      phone: null,
      tags: [],
      emailMarketingConsent: {
        marketingState: i % 3 === 0 ? "SUBSCRIBED" : "NOT_SUBSCRIBED",
        marketingOptInLevel: "SINGLE_OPT_IN",
        consentUpdatedAt: "2024-01-02T17:00:00Z",
      },
    });
  }
  const os: StandInOrder[] = [];
  for (let i = 0; i < orders; i++) {
    const customer = cs[i % Math.max(1, customers)];
    const day = String(1 + (i % 28)).padStart(2, "0");
    os.push({
      ...BOB_NORMAN_ORDER,
      id: String(820982911946154508n + BigInt(i)),
      customerId: customer?.id ?? null,
      email: customer?.email ?? null,
      createdAt: `2024-0${1 + (i % 9)}-${day}T10:00:00Z`,
      updatedAt: `2024-0${1 + (i % 9)}-${day}T10:05:00Z`,
      sourceName: i % 2 === 0 ? "pos" : "web",
      total: `${10 + (i % 50)}.00`,
      lineItems: [
        {
          id: String(866550311766439020n + BigInt(i)),
          title: `Product ${i % 40}`,
          quantity: 1,
          productId: String(788032119674292922n + BigInt(i % 40)),
          price: `${10 + (i % 50)}.00`,
        },
      ],
    });
  }
  return { customers: cs, orders: os };
}

const gid = (type: string, id: string | null) => (id ? `gid://shopify/${type}/${id}` : null);
const money = (amount: string, currencyCode: string) => ({ shopMoney: { amount, currencyCode } });

/** A customer as the Admin GraphQL API answers it. */
export const customerNode = (c: StandInCustomer) => ({ ...c, id: gid("Customer", c.id), legacyResourceId: c.id });

/** An order as the Admin GraphQL API answers it (line items nested; a bulk result lists them as children). */
export const orderNode = (o: StandInOrder, nested = true) => ({
  id: gid("Order", o.id),
  legacyResourceId: o.id,
  email: o.email,
  phone: o.phone,
  createdAt: o.createdAt,
  updatedAt: o.updatedAt,
  cancelledAt: o.cancelledAt,
  sourceName: o.sourceName,
  retailLocation: o.locationId ? { id: gid("Location", o.locationId) } : null,
  currentTotalPriceSet: money(o.total, o.currency),
  customer: o.customerId ? { id: gid("Customer", o.customerId) } : null,
  ...(nested ? { lineItems: { nodes: o.lineItems.map((l) => lineItemNode(l, o.currency)) } } : {}),
});

export const lineItemNode = (l: StandInOrder["lineItems"][number], currency: string) => ({
  id: gid("LineItem", l.id),
  title: l.title,
  quantity: l.quantity,
  product: l.productId ? { id: gid("Product", l.productId) } : null,
  originalUnitPriceSet: money(l.price, currency),
});
