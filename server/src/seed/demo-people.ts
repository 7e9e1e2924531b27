import type { LifecycleStage } from "@c360/shared";
import type { SeedEvent } from "./generate";
import { prng } from "./generate";
import {
  cancelledOrder,
  customerPayload as shopifyCustomerPayload,
  FIRST_NAMES as FIRST,
  LAST_NAMES as LAST,
  orderLineItems,
  orderPayload,
} from "./shopify-history";

/**
 * The demo shop's people and their Shopify history, as pure data: who they are, what they bought and
 * when (relative to `now`), and the few people the story needs by name (a household sharing a phone, a
 * customer who checks out as a guest under a second email, look-alike sign-ups on the tablets). Same
 * seed and same `now`, same shop.
 */

/** The shop's stores; POS orders name them by Shopify location id. */
export const DEMO_LOCATIONS = [
  { id: "7001", name: "Market Street" },
  { id: "7002", name: "Harbour Front" },
  { id: "7003", name: "Saturday Market stall" },
] as const;

const STREETS = [
  "Market St",
  "Harbour Rd",
  "Elm Ave",
  "Mill Lane",
  "Station Rd",
  "Church St",
  "Park Terrace",
  "Bay View",
];
const BUNDLES = [
  ["9001", "9002"],
  ["9002", "9003"],
  ["9004", "9008"],
  ["9005"],
  ["9005"],
  ["9007", "9006"],
  ["9008"],
  ["9001"],
] as const;

/**
 * The stage each generated customer is written to reach, and its share of the shop: a shop that is
 * mostly alive, with a tail at risk and churned (SPEC default windows: 14, 30 and 90 days).
 */
export const STAGE_SHARES: readonly [LifecycleStage, number][] = [
  ["new", 0.08],
  ["engaged", 0.06],
  ["converted", 0.14],
  ["loyal", 0.27],
  ["at_risk", 0.2],
  ["churned", 0.25],
];

export interface DemoCustomer {
  shopifyId: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  createdAt: Date;
  plan: LifecycleStage;
  locationId: string;
  /** Store visits without an order (engaged customers), newest last. */
  visits: Date[];
  orderCount: number;
  lastOrderAt: Date | null;
}

export interface DemoPeople {
  customers: DemoCustomer[];
  /** Shopify's side of history, in delivery order. */
  events: SeedEvent[];
  orders: number;
  refunds: number;
  /** Named people the story needs. */
  cast: {
    household: [DemoCustomer, DemoCustomer];
    guestShopper: DemoCustomer;
    guestEmail: string;
    redacted: DemoCustomer;
    dataRequest: DemoCustomer;
  };
}

const DAY = 86_400_000;

/** A v4-shaped UUID from the seeded source, so ids in the demo are the same on every run. */
export function seededUuid(next: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16));
  hex[12] = "4";
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const s = hex.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

export function generateDemoPeople(opts: { customers: number; seed: number; now: Date }): DemoPeople {
  const rnd = prng(opts.seed);
  const now = opts.now.getTime();
  const ago = (days: number, hours = rnd.int(0, 10)) =>
    new Date(now - days * DAY - hours * 3_600_000 - rnd.int(0, 3599) * 1000);
  const events: SeedEvent[] = [];
  const customers: DemoCustomer[] = [];
  let orderId = 600_000;
  let refunds = 0;

  const pickStage = (): LifecycleStage => {
    let x = rnd.next();
    for (const [stage, share] of STAGE_SHARES) if ((x -= share) < 0) return stage;
    return "churned";
  };

  const asSeedCustomer = (c: DemoCustomer) => ({
    id: Number(c.shopifyId),
    email: c.email,
    phone: c.phone,
    firstName: c.firstName,
    lastName: c.lastName,
  });
  const customerPayload = (c: DemoCustomer, extra: Record<string, unknown> = {}) =>
    shopifyCustomerPayload(
      {
        ...asSeedCustomer(c),
        createdAt: c.createdAt,
        address: { address1: `${rnd.int(1, 240)} ${rnd.pick(STREETS)}`, zip: String(rnd.int(94100, 94134)) },
      },
      extra,
    );

  const order = (c: DemoCustomer | null, at: Date, o: { pos: boolean; email?: string; phone?: string | null }) => {
    const id = ++orderId;
    const lines = orderLineItems(id, rnd.pick(BUNDLES), () => (rnd.chance(0.15) ? 2 : 1));
    const payload = orderPayload({
      id,
      email: o.email ?? c?.email ?? null,
      phone: o.phone ?? null,
      pos: o.pos,
      locationId: Number(c?.locationId ?? DEMO_LOCATIONS[0].id),
      at,
      customer: c ? asSeedCustomer(c) : null,
      lines,
    });
    events.push({ topic: "orders/create", id: `demo-o-${id}`, payload });
    // About one order in fifteen comes back in part, a few days later (never later than now).
    if (rnd.chance(0.07)) {
      const line = lines[0]!;
      const refundedAt = new Date(Math.min(at.getTime() + rnd.int(2, 9) * DAY, now - 3_600_000));
      events.push({
        topic: "refunds/create",
        id: `demo-r-${id}`,
        payload: {
          id: id * 10,
          order_id: id,
          created_at: refundedAt.toISOString(),
          refund_line_items: [{ line_item_id: line.id, quantity: 1 }],
          transactions: [{ amount: line.price, kind: "refund", status: "success", currency: "USD" }],
        },
      });
      refunds++;
    } else if (rnd.chance(0.015)) {
      events.push({ topic: "orders/cancelled", id: `demo-x-${id}`, payload: cancelledOrder(payload) });
    }
    return id;
  };

  /** Order dates for a stage: the last one inside the stage's window, earlier ones spread before it. */
  const orderDatesFor = (stage: LifecycleStage): Date[] => {
    const lastAge =
      stage === "converted" || stage === "loyal"
        ? rnd.int(0, 27)
        : stage === "at_risk"
          ? rnd.int(32, 86)
          : stage === "churned"
            ? rnd.int(95, 700)
            : -1;
    if (lastAge < 0 || (stage === "churned" && rnd.chance(0.2))) return [];
    const count =
      stage === "converted"
        ? 1
        : stage === "loyal"
          ? rnd.chance(0.25)
            ? rnd.int(6, 14)
            : rnd.int(2, 5)
          : rnd.int(1, 5);
    const dates = [ago(lastAge)];
    for (let k = 1; k < count; k++) dates.push(ago(lastAge + rnd.int(20, 120) * k));
    return dates.sort((a, b) => a.getTime() - b.getTime());
  };

  const addCustomer = (i: number, over: Partial<DemoCustomer> & { plan?: LifecycleStage } = {}): DemoCustomer => {
    const plan = over.plan ?? pickStage();
    const firstName = over.firstName ?? rnd.pick(FIRST);
    const lastName = over.lastName ?? rnd.pick(LAST);
    const dates = plan === "new" || plan === "engaged" ? [] : orderDatesFor(plan);
    const createdAge =
      plan === "new"
        ? rnd.int(0, 12)
        : plan === "engaged"
          ? rnd.int(20, 80)
          : dates.length > 0
            ? (now - dates[0]!.getTime()) / DAY + rnd.int(0, 60)
            : rnd.int(100, 700);
    const visits =
      plan === "engaged"
        ? Array.from({ length: rnd.int(3, 5) }, () => ago(rnd.int(0, 25))).sort((a, b) => a.getTime() - b.getTime())
        : [];
    const customer: DemoCustomer = {
      shopifyId: String(700_000 + i),
      firstName,
      lastName,
      email: over.email ?? `${firstName}.${lastName}${i}@example-mail.com`.toLowerCase(),
      phone:
        over.phone !== undefined
          ? over.phone
          : rnd.chance(0.7)
            ? `+1415${String(3_000_000 + i).padStart(7, "0")}`
            : null,
      createdAt: ago(Math.floor(createdAge)),
      plan,
      locationId: rnd.pick(DEMO_LOCATIONS).id,
      visits,
      orderCount: dates.length,
      lastOrderAt: dates.at(-1) ?? null,
    };
    customers.push(customer);
    // Shopify's own marketing consent, read into the ledger as source `shopify`: a third subscribed online.
    const subscribed = rnd.chance(0.33);
    const consentAt = new Date(Math.min(customer.createdAt.getTime() + DAY, now - 3_600_000)).toISOString();
    events.push({
      topic: "customers/create",
      id: `demo-c-${customer.shopifyId}`,
      payload: customerPayload(customer, {
        email_marketing_consent: {
          state: subscribed ? "subscribed" : "not_subscribed",
          opt_in_level: "single_opt_in",
          consent_updated_at: subscribed ? consentAt : null,
        },
      }),
    });
    const prefersPos = rnd.chance(0.55);
    for (const at of dates) order(customer, at, { pos: rnd.chance(prefersPos ? 0.8 : 0.25) });
    return customer;
  };

  for (let i = 0; i < opts.customers; i++) addCustomer(i);

  // A household: two Shopify customers who gave the same landline. They stay two, with a candidate.
  const homePhone = "+14155550142";
  const household: [DemoCustomer, DemoCustomer] = [
    addCustomer(opts.customers, {
      firstName: "Daniel",
      lastName: "Okafor",
      email: "daniel.okafor@example-mail.com",
      phone: homePhone,
      plan: "loyal",
    }),
    addCustomer(opts.customers + 1, {
      firstName: "Grace",
      lastName: "Okafor",
      email: "grace.okafor@example-mail.com",
      phone: homePhone,
      plan: "converted",
    }),
  ];
  // Sarah buys in store under her own email, and online as a guest under her studio's email; the guest
  // checkout that finally carries her phone shows both are her, and the two profiles merge.
  const guestShopper = addCustomer(opts.customers + 2, {
    firstName: "Sarah",
    lastName: "Larsen",
    email: "sarah.larsen@example-mail.com",
    phone: "+14155550177",
    plan: "loyal",
  });
  const guestEmail = "sarah@larsen-studio.com";
  order(null, ago(40), { pos: false, email: guestEmail });
  order(null, ago(3), { pos: false, email: guestEmail, phone: guestShopper.phone });
  const redacted = addCustomer(opts.customers + 3, {
    firstName: "Peter",
    lastName: "Brennan",
    email: "peter.brennan@example-mail.com",
    plan: "churned",
  });
  const dataRequest = addCustomer(opts.customers + 4, {
    firstName: "Elena",
    lastName: "Moreau",
    email: "elena.moreau@example-mail.com",
    plan: "loyal",
  });

  // Shopify customers entered twice by hand, a typo or a nickname apart, at one address with different emails:
  // nothing links them for certain, so the duplicate model proposes them for a person to decide.
  const LOOK_ALIKES = [
    ["Margaret", "Okafor", "Maggie", "Okafor", "41 Valencia Street", "94110"],
    ["Christopher", "Lindqvist", "Chris", "Lindqvist", "8 Harbor Way", "94107"],
    ["Annabelle", "Fournier", "Anabelle", "Fournier", "227 Dolores Street", "94114"],
  ] as const;
  LOOK_ALIKES.forEach(([first, last, otherFirst, otherLast, address1, zip], n) => {
    for (const [k, [firstName, lastName]] of [
      [first, last],
      [otherFirst, otherLast],
    ].entries()) {
      const id = 990_000 + n * 2 + k;
      const at = ago(30 - n * 5 - k * 2).toISOString();
      events.push({
        topic: "customers/create",
        id: `demo-c-${id}`,
        payload: {
          id,
          email: `${firstName}.${lastName}${k ? ".shop" : ""}@example-mail.com`.toLowerCase(),
          phone: null,
          first_name: firstName,
          last_name: lastName,
          created_at: at,
          updated_at: at,
          default_address: { address1, city: "San Francisco", zip, country_code: "US" },
        },
      });
    }
  });

  return {
    customers,
    events,
    orders: orderId - 600_000,
    refunds,
    cast: { household, guestShopper, guestEmail, redacted, dataRequest },
  };
}
