import { REDEMPTION_CART_PROPERTY } from "@c360/shared";
import { sql } from "drizzle-orm";
import { queryRows, type RawRow } from "../db/rows";
import type * as tables from "../db/schema";
import { webhookDeliveryKey } from "../routes/webhooks";
import type { Runtime } from "../runtime";
import { DEMO_SHOP } from "./demo";
import { prng } from "./generate";
import { consentTexts, demoClient, type DemoClient } from "./demo-client";
import { DEMO_LOCATIONS, generateDemoPeople, seededUuid, type DemoCustomer, type DemoPeople } from "./demo-people";
import { seedStoreFloor } from "./demo-store-floor";

export { DEMO_SHOP };
export const DEMO_STAFF = "demo-staff";

/** The admin's address for the demo, carrying the dev session token so opening it signs the merchant in. */
export const demoAdminUrl = (base: string, token: string) => `${base}/admin/?token=${encodeURIComponent(token)}`;

export interface DemoSeedResult {
  customers: number;
  orders: number;
  refunds: number;
  deliveries: number;
  /** Wall time of each step, in ms: the seed runs on every first `npm start`. */
  timings: Record<string, number>;
}

/**
 * Seeds a believable demo shop through the product's own doors: Shopify's history is stored as webhook
 * deliveries and processed by the job queue; then the register, two tablets and the merchant act
 * through the API (consents and revocations, visits, sign-ups, messages, a points redemption, an
 * erasure), and the whole-shop pass stages everyone and finds look-alike duplicates. Deterministic for
 * a seed and a clock (profile ids aside). A shop that already has profiles is left alone (null).
 */
export async function seedDemoShop(
  runtime: Runtime,
  opts: {
    secret: string;
    apiKey: string | undefined;
    clock: () => Date;
    shopId?: string;
    customers?: number;
    seed?: number;
  },
): Promise<DemoSeedResult | null> {
  const shopId = opts.shopId ?? DEMO_SHOP;
  const db = runtime.db.db;
  const [existing] = await queryRows<{ n: string | number }>(
    db,
    sql`SELECT count(*) AS n FROM profiles WHERE shop_id = ${shopId}`,
  );
  if (Number(existing?.n ?? 0) > 0) return null;
  const timings: Record<string, number> = {};
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await run();
    } finally {
      timings[name] = Math.round(performance.now() - started);
    }
  };
  const seed = opts.seed ?? 42;
  const now = opts.clock();
  const people = generateDemoPeople({ customers: opts.customers ?? 300, seed, now });
  const client = demoClient(runtime, {
    shopId,
    secret: opts.secret,
    apiKey: opts.apiKey,
    clock: opts.clock,
    staffId: DEMO_STAFF,
  });
  const rnd = prng(seed + 1);
  const uuid = () => seededUuid(rnd.next);

  await step("shopify history: stored", () => storeHistory(runtime, shopId, people, now));
  await step("shopify history: queue", () => runtime.queue.drain());
  const profileOf = await step("profile lookup", () => profilesByShopifyId(runtime, shopId));
  await step("register consents", () => registerConsents(client, people, profileOf, rnd, uuid, now));
  await step("tablets", () => seedStoreFloor(client, people, rnd, uuid, now));
  await step("messages", () => sendCampaigns(runtime, client, shopId, rnd, now));
  await step("points redemption", () => redeemPoints(runtime, client, shopId, uuid, now));
  await step("privacy", () => privacyRequests(client, shopId, people, profileOf, now));
  await step("dead letters", () => staleDeliveries(runtime, shopId, people, now));
  await step("agency", () => client.admin("POST", "/api/agency/grants", { userId: "northwind-agency" }));
  await step("whole-shop pass", () => client.admin("POST", "/api/enrichment/recompute"));
  return {
    customers: people.customers.length,
    orders: people.orders,
    refunds: people.refunds,
    deliveries: people.events.length,
    timings,
  };
}

/**
 * Shopify's history stored as intake stores a delivery (the delivery row and its webhook job), a few
 * hundred per statement instead of one HTTP request each, which took most of the seed's time; the queue
 * then processes them with the production batch handler, Shopify consent and all. Jobs become due a
 * few microseconds apart so the queue claims them in delivery order (a refund after its order). The
 * story's own webhooks later go through the signed intake route.
 */
async function storeHistory(runtime: Runtime, shopId: string, people: DemoPeople, now: Date) {
  const db = runtime.db.db;
  await db.execute(sql`INSERT INTO shops (shop_id) VALUES (${shopId}) ON CONFLICT (shop_id) DO NOTHING`);
  const total = people.events.length;
  for (let i = 0; i < total; i += 400) {
    const chunk = people.events.slice(i, i + 400).map((e, k) => ({
      delivery_id: webhookDeliveryKey(e.topic, e.id),
      event_id: e.id,
      topic: e.topic,
      payload: e.payload,
      behind_us: (total - (i + k)) * 10,
    }));
    await db.execute(sql`WITH d AS (
        INSERT INTO webhook_deliveries (shop_id, delivery_id, event_id, topic, payload, received_at)
        SELECT ${shopId}, d.delivery_id, d.event_id, d.topic, d.payload, ${now}::timestamptz
        FROM jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb)
          AS d(delivery_id text, event_id text, topic text, payload jsonb, behind_us int)
        ON CONFLICT (shop_id, delivery_id) DO NOTHING RETURNING delivery_id)
      INSERT INTO jobs (shop_id, id, kind, ref, run_at)
      SELECT ${shopId}, gen_random_uuid()::text, 'webhook', c.delivery_id,
             ${now}::timestamptz - c.behind_us * interval '1 microsecond'
      FROM jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) AS c(delivery_id text, behind_us int)
      JOIN d ON d.delivery_id = c.delivery_id
      ON CONFLICT (shop_id, kind, ref) DO NOTHING`);
  }
}

async function profilesByShopifyId(runtime: Runtime, shopId: string): Promise<Map<string, string>> {
  const rows = await queryRows<RawRow<typeof tables.identifiers, "value" | "profile_id">>(
    runtime.db.db,
    sql`SELECT value, profile_id FROM identifiers WHERE shop_id = ${shopId} AND kind = 'shopify'`,
  );
  return new Map(rows.map((r) => [r.value, r.profile_id]));
}

type Rnd = ReturnType<typeof prng>;
/**
 * Consent asked at the till after a purchase: a third say yes to email, phone holders sometimes to SMS
 * or WhatsApp; some later change their minds (a revocation), and a few unsubscribe from everything.
 */
async function registerConsents(
  client: DemoClient,
  people: DemoPeople,
  profileOf: Map<string, string>,
  rnd: Rnd,
  uuid: () => string,
  now: Date,
) {
  const texts = await consentTexts(client);
  const captures: Record<string, unknown>[] = [];
  const capture = (c: DemoCustomer, channel: string, action: "granted" | "revoked", at: Date) => {
    const t = texts.get(channel)!;
    captures.push({
      id: uuid(),
      profileId: profileOf.get(c.shopifyId),
      channel,
      action,
      textVersion: t.version,
      text: t.text,
      locale: "en",
      actedAt: at.toISOString(),
      source: "pos",
      locationId: c.locationId,
      staffId: rnd.pick(["staff-amara", "staff-jonas", "staff-lea"]),
      jurisdiction: "US-CA",
    });
  };
  const unsubscribers: DemoCustomer[] = [];
  for (const c of people.customers) {
    if (!c.lastOrderAt || !profileOf.has(c.shopifyId) || !rnd.chance(0.45)) continue;
    const at = c.lastOrderAt;
    const later = new Date(Math.min(at.getTime() + rnd.int(5, 60) * 86_400_000, now.getTime() - 3_600_000));
    capture(c, "email", "granted", at);
    if (rnd.chance(0.1)) capture(c, "email", "revoked", later);
    if (c.phone && rnd.chance(0.35)) capture(c, "sms", "granted", at);
    if (c.phone && rnd.chance(0.12)) capture(c, "whatsapp", "granted", at);
    if (rnd.chance(0.15)) capture(c, "push", "granted", at);
    if (rnd.chance(0.02)) unsubscribers.push(c);
  }
  for (let i = 0; i < captures.length; i += 400)
    await client.admin("POST", "/api/consents", { consents: captures.slice(i, i + 400) });
  for (const c of unsubscribers) {
    await client.admin("POST", "/api/unsubscribe", {
      profileId: profileOf.get(c.shopifyId),
      at: new Date(now.getTime() - rnd.int(1, 20) * 86_400_000).toISOString(),
    });
  }
}

/**
 * A week of campaigns through the send gate, each decision logged with its reason: the Friday email,
 * an SMS reminder (the second one of a day hits the SMS cap), WhatsApp, and pushes to people who never
 * agreed (blocked: no consent). A few loyal customers were messaged heavily, so fatigue shows.
 */
async function sendCampaigns(runtime: Runtime, client: DemoClient, shopId: string, rnd: Rnd, now: Date) {
  const consented = await queryRows<
    RawRow<typeof tables.profiles, "id" | "consent_email" | "consent_sms" | "consent_whatsapp">
  >(
    runtime.db.db,
    sql`SELECT id, consent_email, consent_sms, consent_whatsapp FROM profiles
        WHERE shop_id = ${shopId} AND status = 'active' AND (consent_email OR consent_sms OR consent_whatsapp)
        ORDER BY id`,
  );
  // Profile ids are random: order the audience by a stable key (the first Shopify id or email) so the
  // same people get the same messages on every run.
  const byKey = await queryRows<{ id: string; key: string }>(
    runtime.db.db,
    sql`SELECT profile_id AS id, min(kind || ':' || value) AS key FROM identifiers
        WHERE shop_id = ${shopId} AND kind IN ('shopify', 'email') GROUP BY profile_id`,
  );
  const key = new Map(byKey.map((r) => [r.id, r.key]));
  consented.sort((a, b) => (key.get(a.id) ?? a.id).localeCompare(key.get(b.id) ?? b.id));
  const day = (daysAgo: number, hour: number) => {
    const d = new Date(now.getTime() - daysAgo * 86_400_000);
    d.setUTCHours(hour, rnd.int(0, 59), 0, 0);
    return d.getTime() > now.getTime() ? new Date(now.getTime() - 3_600_000) : d;
  };
  const send = (profileId: string, channel: string, kind: string, at: Date) =>
    client.admin("POST", "/api/messages", { profileId, channel, kind, at: at.toISOString() });
  for (const p of consented.filter((p) => p.consent_email).slice(0, 60))
    await send(p.id, "email", "weekly-edit", day(5, 10));
  for (const p of consented.filter((p) => p.consent_email).slice(0, 30))
    await send(p.id, "email", "new-arrivals", day(2, 11));
  for (const p of consented.filter((p) => p.consent_sms).slice(0, 20)) {
    await send(p.id, "sms", "points-reminder", day(1, 12));
    if (rnd.chance(0.3)) await send(p.id, "sms", "points-reminder-2", day(1, 15));
  }
  // SMS after 21:00 local is held back by quiet hours; email is exempt.
  for (const p of consented.filter((p) => p.consent_sms).slice(0, 6))
    await send(p.id, "sms", "late-flash-sale", day(3, 22));
  for (const p of consented.filter((p) => p.consent_whatsapp).slice(0, 12))
    await send(p.id, "whatsapp", "order-ready", day(4, 13));
  for (const p of consented.filter((p) => !p.consent_whatsapp).slice(0, 10))
    await send(p.id, "whatsapp", "order-ready", day(4, 13));
  for (const p of consented.filter((p) => p.consent_email).slice(0, 6)) {
    for (let d = 6; d >= 0; d--) await send(p.id, "email", "daily-deal", day(d, 9 + (d % 3)));
  }
}

/** A loyal customer spends points at the register (held, then the sale completes); another clears the cart. */
async function redeemPoints(runtime: Runtime, client: DemoClient, shopId: string, uuid: () => string, now: Date) {
  const rich = await queryRows<{ value: string; loyalty_points: number | string }>(
    runtime.db.db,
    sql`SELECT i.value, p.loyalty_points FROM profiles p
        JOIN identifiers i ON i.shop_id = p.shop_id AND i.profile_id = p.id AND i.kind = 'shopify'
        WHERE p.shop_id = ${shopId} AND p.status = 'active' AND p.loyalty_points >= 300
        ORDER BY p.loyalty_points DESC, i.value LIMIT 2`,
  );
  const [spender, changedMind] = rich;
  // Both start the same way: the register holds points for a customer's cart.
  const holdPoints = async (shopifyCustomerId: string, points: number, cart: { cartTotal?: string } = {}) => {
    const id = uuid();
    await client.admin("POST", "/api/pos/redemptions", { redemptionId: id, shopifyCustomerId, points, ...cart });
    return id;
  };
  if (spender) {
    const id = await holdPoints(spender.value, 200, { cartTotal: "84.00" });
    await client.admin("POST", `/api/pos/redemptions/${id}/complete`, { orderId: 699_001 });
    await client.webhook("orders/create", "demo-o-redeem", {
      id: 699_001,
      email: null,
      total_price: "82.00",
      currency: "USD",
      source_name: "pos",
      location_id: Number(DEMO_LOCATIONS[0].id),
      created_at: new Date(now.getTime() - 2 * 3_600_000).toISOString(),
      updated_at: new Date(now.getTime() - 2 * 3_600_000).toISOString(),
      customer: { id: Number(spender.value) },
      line_items: [
        { id: 6990011, product_id: 9002, variant_id: 90020, title: "Chino Trousers", quantity: 1, price: "79.00" },
        { id: 6990012, product_id: 9004, variant_id: 90040, title: "Wool Socks (3 pack)", quantity: 1, price: "5.00" },
      ],
      note_attributes: [{ name: REDEMPTION_CART_PROPERTY, value: id }],
    });
  }
  if (changedMind) {
    const id = await holdPoints(changedMind.value, 100);
    await client.admin("POST", `/api/pos/redemptions/${id}/release`);
  }
  await runtime.queue.drain();
}

/**
 * Privacy as it happens in a real shop: Shopify forwards a data request and an erasure request
 * (customers/redact), a retried delivery about the erased customer arrives afterwards and is held back
 * by the erasure register, and the merchant erases one more customer from the GDPR tab.
 */
async function privacyRequests(
  client: DemoClient,
  shopId: string,
  people: DemoPeople,
  profileOf: Map<string, string>,
  now: Date,
) {
  const { redacted, dataRequest } = people.cast;
  const who = (c: DemoCustomer) => ({ id: Number(c.shopifyId), email: c.email, phone: c.phone });
  await client.webhook("customers/data_request", "demo-gdpr-request", {
    shop_domain: shopId,
    customer: who(dataRequest),
    orders_requested: [],
    data_request: { id: 1 },
  });
  await client.webhook("customers/redact", "demo-gdpr-redact", {
    shop_domain: shopId,
    customer: who(redacted),
    orders_to_redact: [],
  });
  await client.webhook("customers/update", "demo-late-update", {
    id: Number(redacted.shopifyId),
    email: redacted.email,
    first_name: redacted.firstName,
    last_name: redacted.lastName,
    updated_at: new Date(now.getTime() - 30 * 86_400_000).toISOString(),
  });
  const churned = people.customers.find(
    (c) => c.plan === "churned" && c.orderCount === 0 && c !== redacted && profileOf.has(c.shopifyId),
  );
  if (churned) await client.admin("POST", `/api/gdpr/profiles/${profileOf.get(churned.shopifyId)}/erase`);
}

/**
 * Two deliveries stored by the app's previous version, in the payload shape of an older webhook API
 * version (no `currency`, money as numbers). Today's processing refuses them on every attempt; their
 * last attempt runs now through the real queue and they land on the dead-letter list with the reason,
 * for the merchant to inspect or retry. (Their earlier seven attempts are compressed into a count.)
 */
async function staleDeliveries(runtime: Runtime, shopId: string, people: DemoPeople, now: Date) {
  const c = people.customers.find((x) => x.plan === "loyal")!;
  const stale = [
    {
      id: "2023-10:orders/updated:demo-stale-1",
      topic: "orders/updated",
      payload: {
        id: 598_101,
        total_price: 59,
        created_at: "2025-03-02T10:00:00Z",
        customer: { id: Number(c.shopifyId) },
      },
    },
    {
      id: "2023-10:refunds/create:demo-stale-2",
      topic: "refunds/create",
      payload: { id: 598_102, order_id: 598_101, transactions: [{ amount: 59 }] },
    },
  ];
  for (const s of stale) {
    await runtime.db.db.execute(sql`INSERT INTO webhook_deliveries (shop_id, delivery_id, event_id, topic, payload,
      received_at)
      VALUES (${shopId}, ${s.id}, ${s.id.split(":").at(-1)}, ${s.topic}, ${JSON.stringify(s.payload)}::jsonb,
              ${new Date(now.getTime() - 2 * 86_400_000)})
      ON CONFLICT DO NOTHING`);
    await runtime.db.db.execute(sql`INSERT INTO jobs (shop_id, id, kind, ref, run_at, attempts, max_attempts)
      VALUES (${shopId}, ${`job-${s.id}`}, 'webhook', ${s.id}, ${now}, 7, 8) ON CONFLICT DO NOTHING`);
  }
  await runtime.queue.drain();
}
