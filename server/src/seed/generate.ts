import type { WebhookTopic } from "@c360/shared";
import {
  cancelledOrder,
  customerPayload,
  FIRST_NAMES,
  LAST_NAMES,
  orderLineItems,
  orderPayload,
} from "./shopify-history";

/** A deterministic pseudo-random source (mulberry32), so a seed always yields the same shop. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  };
}

// The bench's shop draws from fewer names than the demo's, so a seed gives the shop it always gave.
const FIRST = FIRST_NAMES.slice(0, 20);
const LAST = LAST_NAMES.slice(0, 16);
const BUNDLES = [["9001", "9002"], ["9002", "9003"], ["9004", "9008"], ["9005"], ["9007", "9006"]] as const;
const LOCATIONS = ["7001", "7002"];

export interface SeedEvent {
  topic: WebhookTopic;
  id: string;
  payload: Record<string, unknown>;
}

export interface GeneratedShop {
  events: SeedEvent[];
  customers: number;
  orders: number;
}

/**
 * A realistic shop as webhook payloads: customers, POS and online orders over two years, repeat and
 * lapsed buyers, refunds and cancels, and some people who also check out as guests under a second email.
 */
export function generateShop(opts: { customers: number; seed?: number; now?: Date }): GeneratedShop {
  const rnd = prng(opts.seed ?? 42);
  const now = (opts.now ?? new Date("2026-11-25T12:00:00Z")).getTime();
  const day = 86_400_000;
  const events: SeedEvent[] = [];
  let orderId = 500_000;
  let orders = 0;
  for (let i = 0; i < opts.customers; i++) {
    const customerId = String(100_000 + i);
    const first = rnd.pick(FIRST);
    const last = rnd.pick(LAST);
    const email = `${first}.${last}${i}@example-mail.com`.toLowerCase();
    const phone = rnd.chance(0.7) ? `+1415${String(2_000_000 + i).padStart(7, "0")}` : null;
    const createdAt = new Date(now - rnd.int(1, 730) * day);
    const zip = String(rnd.int(10000, 10099));
    const customer = customerPayload({
      id: Number(customerId),
      email,
      phone,
      firstName: first,
      lastName: last,
      createdAt,
      address: { address1: `${rnd.int(1, 200)} Market St`, zip },
    });
    events.push({ topic: "customers/create", id: `seed-c-${customerId}`, payload: customer });

    const profile = rnd.next();
    const orderCount = profile < 0.25 ? 0 : profile < 0.55 ? 1 : profile < 0.85 ? rnd.int(2, 5) : rnd.int(6, 14);
    const lapsed = rnd.chance(0.3);
    const span = (now - createdAt.getTime()) / day;
    const prefersPos = rnd.chance(0.5);
    for (let k = 0; k < orderCount; k++) {
      const ageDays = lapsed
        ? rnd.int(Math.min(100, Math.floor(span)), Math.max(100, Math.floor(span)))
        : rnd.int(0, Math.max(0, Math.floor(span)));
      const placed = new Date(now - ageDays * day - rnd.int(0, 36_000) * 1000);
      const bundle = rnd.pick(BUNDLES);
      const lines = orderLineItems(orderId, bundle, () => 1);
      const pos = rnd.chance(prefersPos ? 0.8 : 0.2);
      const id = ++orderId;
      // Some buyers check out online as guests with a work email and their phone: the same person.
      const guest = !pos && phone && rnd.chance(0.08);
      const order = orderPayload({
        id,
        email: guest ? `${first}.${last}@work-${i % 50}.com`.toLowerCase() : email,
        phone: guest ? phone : null,
        pos,
        locationId: pos ? Number(rnd.pick(LOCATIONS)) : null,
        at: placed,
        customer: guest ? null : { id: Number(customerId), email, phone, firstName: first, lastName: last },
        lines,
      });
      events.push({ topic: "orders/create", id: `seed-o-${id}`, payload: order });
      orders++;
      if (rnd.chance(0.03)) {
        events.push({ topic: "orders/cancelled", id: `seed-x-${id}`, payload: cancelledOrder(order) });
      } else if (rnd.chance(0.05)) {
        const amount = Number(lines[0]!.price).toFixed(2);
        events.push({
          topic: "refunds/create",
          id: `seed-r-${id}`,
          payload: {
            id: id * 10,
            order_id: id,
            created_at: new Date(placed.getTime() + 5 * day).toISOString(),
            transactions: [{ amount, kind: "refund", status: "success" }],
          },
        });
      }
    }
  }
  return { events, customers: opts.customers, orders };
}
