import { normalizeEmail, normalizeIdentifiers, normalizePhone, webhookCustomerRedactSchema } from "@c360/shared";
import { getTableName, is, sql, type SQL } from "drizzle-orm";
import { PgTable, getTableConfig } from "drizzle-orm/pg-core";
import type { Queryable } from "../../db/client";
import { queryRows, jsonOf, type RawRow } from "../../db/rows";
import type * as tables from "../../db/schema";
import * as schema from "../../db/schema";
import type { ComplianceHandlers } from "./compliance";
import { ERASED_CONSENT_PROFILE } from "../consent/consent";
import { heldBackCounts, registerErasure, type ErasedName } from "./erasure-register";
import { sqlTextArray } from "../../db/sql-arrays";
import { recordProfileChange, type ShopContext } from "../shop/shop";
import { tombstoneShop } from "../shop/shop-tombstone";

/** Who is being erased: the profile, the profiles merged into it earlier (same person), and what identified them. */
interface Subject {
  profileId: string;
  profileIds: string[];
  shopifyIds: string[];
  emails: string[];
  /** The person's browsers (web pixel client ids): their storefront events go with them. */
  deviceIds: string[];
  /** Every identifier and order ID of the person, for the erasure register. */
  names: ErasedName[];
}

async function subjectOf(q: Queryable, shopId: string, profileId: string): Promise<Subject> {
  const merged = await queryRows<RawRow<typeof tables.profiles, "id">>(
    q,
    sql`SELECT id FROM profiles WHERE shop_id = ${shopId} AND merged_into = ${profileId} AND status = 'merged'
      ORDER BY id`,
  );
  const profileIds = [profileId, ...merged.map((m) => m.id)];
  const ids = await queryRows<RawRow<typeof tables.identifiers, "kind" | "value">>(
    q,
    sql`SELECT kind, value FROM identifiers WHERE shop_id = ${shopId}
      AND profile_id = ANY(${sqlTextArray(profileIds)})`,
  );
  const orders = await queryRows<RawRow<typeof tables.orders, "order_id">>(
    q,
    sql`SELECT order_id FROM orders WHERE shop_id = ${shopId} AND profile_id = ANY(${sqlTextArray(profileIds)})`,
  );
  return {
    profileId,
    profileIds,
    shopifyIds: ids.filter((i) => i.kind === "shopify").map((i) => i.value),
    emails: ids.filter((i) => i.kind === "email").map((i) => i.value),
    deviceIds: ids.filter((i) => i.kind === "device").map((i) => i.value),
    names: [
      ...ids.map((i) => ({ kind: i.kind as ErasedName["kind"], value: i.value })),
      ...orders.map((o) => ({ kind: "order" as const, value: o.order_id })),
    ],
  };
}

interface EraseStep {
  name: string;
  table: string;
  where: SQL;
  /** The change, ending in RETURNING 1 so the effect is counted the same way on both drivers. */
  apply: SQL;
}

/**
 * The erasure, step by step. Preview counts each step's WHERE; the erase runs each step's change with
 * the same WHERE, so the preview is exactly what the erase then does. Visits, loyalty rows and order
 * totals stay on the anonymous profile, so shop totals do not change.
 */
function eraseSteps(shopId: string, s: Subject, now: Date): EraseStep[] {
  const ids = sqlTextArray(s.profileIds);
  const step = (name: string, table: string, where: SQL, change: (where: SQL) => SQL): EraseStep => ({
    name,
    table,
    where,
    apply: sql`${change(where)} RETURNING 1`,
  });
  // Most steps delete every row of the person's profiles; the step is then named by its table alone.
  const byProfile = sql`shop_id = ${shopId} AND profile_id = ANY(${ids})`;
  const deleteRows = (name: string, table: string, where: SQL = byProfile) =>
    step(name, table, where, (w) => sql`DELETE FROM ${sql.identifier(table)} WHERE ${w}`);
  const customerIds = sqlTextArray(s.shopifyIds);
  const emails = sqlTextArray(s.emails);
  return [
    step(
      "profiles",
      "profiles",
      // Only rows with something left to change, so the preview counts real
      // changes (a merged-away row may hold nothing).
      sql`shop_id = ${shopId} AND id = ANY(${ids})
            AND (id = ${s.profileId} OR first_name IS NOT NULL OR last_name IS NOT NULL
            OR birthday IS NOT NULL OR postcode IS NOT NULL OR address1 IS NOT NULL
            OR address2 IS NOT NULL OR city IS NOT NULL OR note IS NOT NULL OR time_zone IS NOT NULL
            OR field_times <> '{}'::jsonb OR consent_email OR consent_sms OR consent_whatsapp OR consent_push)`,
      (w) =>
        // The consents become unowned stubs below, so nothing stays granted.
        sql`UPDATE profiles SET first_name = NULL, last_name = NULL, birthday = NULL, postcode = NULL, address1 = NULL,
            address2 = NULL, city = NULL, note = NULL, viewed_product_ids = '[]'::jsonb,
            time_zone = NULL, field_times = '{}'::jsonb, updated_at = ${now},
            consent_email = false, consent_sms = false, consent_whatsapp = false, consent_push = false,
            status = CASE WHEN id = ${s.profileId} THEN 'erased' ELSE status END WHERE ${w}`,
    ),
    step(
      "orders",
      "orders",
      sql`${byProfile} AND (email IS NOT NULL OR phone IS NOT NULL OR shopify_customer_id IS NOT NULL)`,
      (w) => sql`UPDATE orders SET email = NULL, phone = NULL, shopify_customer_id = NULL WHERE ${w}`,
    ),
    deleteRows("identifiers", "identifiers"),
    deleteRows("identityEvents", "identity_events"),
    step(
      "consents",
      "consents",
      byProfile,
      (w) =>
        sql`UPDATE consents SET profile_id = ${ERASED_CONSENT_PROFILE}, text = NULL, locale = NULL, location_id = NULL,
          device_id = NULL,
            staff_id = NULL, jurisdiction = NULL WHERE ${w}`,
    ),
    deleteRows("messages", "messages"),
    deleteRows("messageEvents", "message_events"),
    // What the person's browsers did on the storefront; the client ids themselves join the erasure register.
    deleteRows("webEvents", "web_events", sql`shop_id = ${shopId} AND client_id = ANY(${sqlTextArray(s.deviceIds)})`),
    deleteRows(
      "mergeCandidates",
      "merge_candidates",
      sql`shop_id = ${shopId} AND (profile_id = ANY(${ids}) OR other_profile_id = ANY(${ids}))`,
    ),
    step(
      "mergeSnapshots",
      "merges",
      sql`shop_id = ${shopId} AND (survivor_id = ANY(${ids}) OR merged_id = ANY(${ids}))
            AND (snapshot <> '{}'::jsonb OR evidence <> '[]'::jsonb)`,
      (w) => sql`UPDATE merges SET snapshot = '{}'::jsonb, evidence = '[]'::jsonb WHERE ${w}`,
    ),
    // Values a later write replaced: the person's old names and notes.
    deleteRows("fieldHistory", "field_history"),
    deleteRows("dataRequests", "data_requests"),
    // Processed webhook payloads still hold the customer's email and name; the row stays (a redelivery is
    // still recognised as a duplicate and cannot bring the data back) but its payload is redacted.
    step(
      "webhookPayloads",
      "webhook_deliveries",
      sql`shop_id = ${shopId} AND status = 'processed' AND (
            payload->'customer'->>'id' = ANY(${customerIds})
            OR (topic LIKE 'customers/%' AND payload->>'id' = ANY(${customerIds}))
            OR lower(payload->>'email') = ANY(${emails}) OR lower(payload->'customer'->>'email') = ANY(${emails}))`,
      (w) => sql`UPDATE webhook_deliveries SET payload = '{"redacted":true}'::jsonb WHERE ${w}`,
    ),
  ];
}

export type ErasureCounts = Record<string, number>;

export async function previewErasure(
  q: Queryable,
  shopId: string,
  profileId: string,
  now: Date,
): Promise<ErasureCounts> {
  const subject = await subjectOf(q, shopId, profileId);
  const counts: ErasureCounts = {};
  for (const s of eraseSteps(shopId, subject, now)) {
    const [row] = await queryRows<{ n: string | number }>(
      q,
      sql`SELECT count(*) AS n FROM ${sql.identifier(s.table)} WHERE ${s.where}`,
    );
    counts[s.name] = Number(row?.n ?? 0);
  }
  counts.tombstones = 1;
  return counts;
}

export interface EraseOptions {
  /** Test hook: throws right after the named step, to prove the erase is all or nothing. */
  failAfterStep?: string;
}

/**
 * Erases one customer inside the caller's transaction (which holds the shop lock): identifying fields
 * nulled, identity links, messages and candidates deleted, consents reduced to chain stubs, merge
 * snapshots emptied, the profile kept as an anonymous 'erased' row, and a tombstone for devices.
 */
export async function eraseProfile(
  tx: Queryable,
  shop: ShopContext,
  profileId: string,
  now: Date,
  opts: EraseOptions = {},
): Promise<ErasureCounts> {
  const subject = await subjectOf(tx, shop.shopId, profileId);
  // Registered first, while the identifiers are still there to hash: late arrivals must not bring them back.
  await registerErasure(tx, shop.shopId, subject.names, now);
  const counts: ErasureCounts = {};
  for (const s of eraseSteps(shop.shopId, subject, now)) {
    counts[s.name] = (await queryRows(tx, s.apply)).length;
    if (opts.failAfterStep === s.name) throw new Error(`injected failure after erase step "${s.name}"`);
  }
  await recordProfileChange(tx, shop.shopId, profileId, "tombstone");
  counts.tombstones = 1;
  return counts;
}

/** The profile a compliance webhook names: by Shopify customer id, else by email, else by phone. */
export async function profileForCustomer(
  q: Queryable,
  shop: ShopContext,
  customer: { id: string; email: string | null; phone: string | null },
): Promise<string | null> {
  const { settings } = shop;
  const candidates: [string, string | null][] = [
    ["shopify", customer.id],
    ["email", customer.email ? normalizeEmail(customer.email, settings.junkIdentifiers) : null],
    [
      "phone",
      customer.phone ? normalizePhone(customer.phone, settings.defaultCountry, settings.junkIdentifiers) : null,
    ],
  ];
  for (const [kind, value] of candidates) {
    if (!value) continue;
    const [row] = await queryRows<{ profile_id: string }>(
      q,
      sql`SELECT i.profile_id FROM identifiers i JOIN profiles p ON p.shop_id = i.shop_id AND p.id = i.profile_id
          WHERE i.shop_id = ${shop.shopId} AND i.kind = ${kind} AND i.value = ${value} AND p.status = 'active'`,
    );
    if (row) return row.profile_id;
  }
  return null;
}

/**
 * Everything held about one customer as one JSON document: the profile (and profiles merged into it),
 * identifiers, orders with lines and refunds, visits, messages, consents, merges, loyalty and identity
 * events. The same document answers the admin button and the customers/data_request webhook.
 */
export async function exportProfile(
  q: Queryable,
  shopId: string,
  profileId: string,
  now: Date,
): Promise<Record<string, unknown>> {
  await q.execute(sql`SET LOCAL TIME ZONE 'UTC'`);
  const { profileIds } = await subjectOf(q, shopId, profileId);
  const ids = sqlTextArray(profileIds);
  // A table whose rows each name the profile: every row of the person and their merged-away profiles, in order.
  const ownRows = (table: string, orderBy: string) =>
    sql`SELECT to_jsonb(t) AS doc FROM ${sql.raw(table)} t WHERE t.shop_id = ${shopId} AND t.profile_id = ANY(${ids})
        ORDER BY ${sql.raw(orderBy)}`;
  const section = async (select: SQL) => {
    const [row] = await queryRows<{ doc: unknown }>(
      q,
      sql`SELECT coalesce(jsonb_agg(x.doc), '[]'::jsonb) AS doc FROM (${select}) x`,
    );
    return jsonOf(row?.doc) as unknown[];
  };
  const [profile, ...mergedProfiles] = await section(
    sql`SELECT to_jsonb(p) AS doc FROM profiles p WHERE p.shop_id = ${shopId} AND p.id = ANY(${ids})
      ORDER BY p.id = ${profileId} DESC, p.id`,
  );
  return {
    exportedAt: now.toISOString(),
    shopId,
    profileId,
    profile: profile ?? null,
    mergedProfiles,
    identifiers: await section(ownRows("identifiers", "linked_at, kind, value")),
    orders: await section(
      sql`SELECT to_jsonb(o) || jsonb_build_object(
            'lines', (SELECT coalesce(jsonb_agg(to_jsonb(l) ORDER BY l.line_id), '[]'::jsonb) FROM order_lines l
              WHERE l.shop_id = o.shop_id AND l.order_id = o.order_id),
            'refunds', (SELECT coalesce(jsonb_agg(to_jsonb(r) ORDER BY r.created_at, r.refund_id), '[]'::jsonb)
              FROM refunds r WHERE r.shop_id = o.shop_id AND r.order_id = o.order_id)
          ) AS doc
          FROM orders o WHERE o.shop_id = ${shopId} AND o.profile_id = ANY(${ids}) ORDER BY o.placed_at, o.order_id`,
    ),
    visits: await section(ownRows("visits", "at, id")),
    messages: await section(ownRows("messages", "at, id")),
    messageEvents: await section(ownRows("message_events", "at, id")),
    webEvents: await section(
      sql`SELECT to_jsonb(w) AS doc FROM web_events w WHERE w.shop_id = ${shopId}
            AND w.client_id IN (SELECT value FROM identifiers WHERE shop_id = ${shopId} AND kind = 'device'
              AND profile_id = ANY(${ids}))
          ORDER BY w.at, w.id`,
    ),
    consents: await section(ownRows("consents", "seq")),
    merges: await section(
      sql`SELECT to_jsonb(m) AS doc FROM merges m WHERE m.shop_id = ${shopId} AND (m.survivor_id = ANY(${ids})
        OR m.merged_id = ANY(${ids})) ORDER BY m.created_at, m.id`,
    ),
    mergeCandidates: await section(
      sql`SELECT to_jsonb(m) AS doc FROM merge_candidates m WHERE m.shop_id = ${shopId} AND (m.profile_id = ANY(${ids})
        OR m.other_profile_id = ANY(${ids})) ORDER BY m.created_at, m.id`,
    ),
    loyalty: await section(ownRows("loyalty_ledger", "at, entry_key")),
    identityEvents: await section(ownRows("identity_events", "at, id")),
    fieldHistory: await section(ownRows("field_history", "acted_at, mutation_id, field")),
  };
}

export async function storeDataRequest(
  q: Queryable,
  shopId: string,
  profileId: string | null,
  document: Record<string, unknown>,
  now: Date,
): Promise<string> {
  const id = crypto.randomUUID();
  await q.execute(sql`INSERT INTO data_requests (shop_id, id, profile_id, document, created_at)
    VALUES (${shopId}, ${id}, ${profileId}, ${JSON.stringify(document)}::jsonb, ${now})`);
  return id;
}

/** The shop's data requests (customers/data_request webhooks answered), newest first. */
export async function listDataRequests(q: Queryable, shopId: string) {
  const rows = await queryRows<RawRow<typeof tables.dataRequests, "id" | "profile_id" | "created_at">>(
    q,
    sql`SELECT id, profile_id, created_at FROM data_requests WHERE shop_id = ${shopId} ORDER BY created_at DESC, id
      LIMIT 500`,
  );
  return rows.map((r) => ({ id: r.id, profileId: r.profile_id, createdAt: new Date(r.created_at).toISOString() }));
}

/** The document a data request stored; null when the shop has no such request. */
export async function dataRequestDocument(q: Queryable, shopId: string, id: string): Promise<unknown> {
  const [row] = await queryRows<RawRow<typeof tables.dataRequests, "document">>(
    q,
    sql`SELECT document FROM data_requests WHERE shop_id = ${shopId} AND id = ${id}`,
  );
  return row ? jsonOf(row.document) : null;
}

/** Per shop: how many profiles hold an email or a phone, the oldest record, erasures, and how long data is kept. */
export async function dataInventory(q: Queryable, shopId: string, now: Date) {
  const [row] = await queryRows<Record<string, string | number | Date | null>>(
    q,
    sql`SELECT
          (SELECT count(*) FROM profiles WHERE shop_id = ${shopId} AND status = 'active') AS active,
          (SELECT count(*) FROM profiles WHERE shop_id = ${shopId} AND status = 'erased') AS erased,
          (SELECT count(DISTINCT profile_id) FROM identifiers WHERE shop_id = ${shopId}
            AND kind = 'email') AS with_email,
          (SELECT count(DISTINCT profile_id) FROM identifiers WHERE shop_id = ${shopId}
            AND kind = 'phone') AS with_phone,
          (SELECT min(first_seen_at) FROM profiles WHERE shop_id = ${shopId} AND status <> 'erased') AS oldest_profile,
          (SELECT min(placed_at) FROM orders WHERE shop_id = ${shopId}) AS oldest_order,
          (SELECT count(*) FROM profiles WHERE shop_id = ${shopId} AND status = 'active'
             AND coalesce(last_activity_at, first_seen_at) < ${new Date(now.getTime() - 730 * 86_400_000)}) AS
               inactive_2y,
          (SELECT count(*) FROM data_requests WHERE shop_id = ${shopId}) AS data_requests`,
  );
  const n = (k: string) => Number(row?.[k] ?? 0);
  const when = (k: string) => (row?.[k] ? new Date(row[k] as string).toISOString() : null);
  const oldest =
    [when("oldest_profile"), when("oldest_order")].filter((x): x is string => x !== null).sort()[0] ?? null;
  return {
    profiles: n("active"),
    profilesWithEmail: n("with_email"),
    profilesWithPhone: n("with_phone"),
    erasedProfiles: n("erased"),
    oldestRecordAt: oldest,
    dataRequests: n("data_requests"),
    /** Late events, captures and backfill rows that named an erased customer and were kept out. */
    erasedCustomersHeldBack: await heldBackCounts(q, shopId),
    retention: {
      policy: "kept until erased",
      automaticDeletion: false,
      inactiveOver2Years: n("inactive_2y"),
      note:
        "Profiles are kept until the customer or the shop asks for erasure; " +
        "consider erasing profiles inactive for over 2 years.",
    },
  };
}

/** Every table that holds shop data, from the schema itself, so a table added later is redacted too. */
const SHOP_TABLES = (Object.values(schema) as unknown[])
  .filter((t): t is PgTable => is(t, PgTable))
  .filter((t) => getTableConfig(t).columns.some((c) => c.name === "shop_id"))
  .map((t) => getTableName(t));

export async function redactShop(tx: Queryable, shopId: string): Promise<Record<string, number>> {
  const removed: Record<string, number> = {};
  // The shops row goes last: it is the lock every other write of this shop takes.
  for (const table of [...SHOP_TABLES.filter((t) => t !== "shops"), "shops"]) {
    removed[table] = (
      await queryRows(tx, sql`DELETE FROM ${sql.identifier(table)} WHERE shop_id = ${shopId} RETURNING 1`)
    ).length;
  }
  return removed;
}

/** The GDPR webhooks run the same pipelines as the admin's GDPR tab, inside the job's transaction. */
export function complianceHandlers(_clock: () => Date): ComplianceHandlers {
  return {
    async customerRedact(tx, shop, payload, now) {
      const { customer, orders_to_redact } = webhookCustomerRedactSchema.parse(payload);
      // Registered even when nothing is held yet: Shopify may still deliver this customer's older events.
      const { settings } = shop;
      const named = normalizeIdentifiers(
        { shopifyCustomerId: customer.id, email: customer.email, phone: customer.phone },
        { defaultCountry: settings.defaultCountry, junk: settings.junkIdentifiers },
      );
      const orders = orders_to_redact.map((id) => ({ kind: "order" as const, value: id }));
      await registerErasure(tx, shop.shopId, [...named, ...orders], now);
      const profileId = await profileForCustomer(tx, shop, customer);
      if (profileId) await eraseProfile(tx, shop, profileId, now);
      // Orders never linked to a profile still carry the customer's contact details.
      await tx.execute(sql`UPDATE orders SET email = NULL, phone = NULL, shopify_customer_id = NULL
        WHERE shop_id = ${shop.shopId} AND profile_id IS NULL AND shopify_customer_id = ${customer.id}`);
    },
    async customerDataRequest(tx, shop, payload, now) {
      const { customer } = webhookCustomerRedactSchema.parse(payload);
      const profileId = await profileForCustomer(tx, shop, customer);
      const document = profileId
        ? await exportProfile(tx, shop.shopId, profileId, now)
        : {
            exportedAt: now.toISOString(),
            shopId: shop.shopId,
            profileId: null,
            customer: { id: customer.id },
            note: "no data is held about this customer",
          };
      await storeDataRequest(tx, shop.shopId, profileId, document, now);
    },
    async shopRedact(tx, shop, _payload, now) {
      // The tombstone first: it keeps the shop's delivery ids that the redaction is about to delete.
      await tombstoneShop(tx, shop.shopId, now);
      await redactShop(tx, shop.shopId);
    },
  };
}
