/**
 * The data model of Customer 360. Every primary and unique key leads with `shop_id`, and no query
 * joins across shops, so the tables can be distributed by `shop_id` (Citus) for any number of shops.
 * Money is bigint whole minor units of its currency (cents, dong), points are bigint; both are read as JS
 * numbers, which stay exact up to 2^53 - 1 (shared `toMinorUnits` refuses any amount past that); times are
 * timestamptz.
 */
import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

const ts = <N extends string>(name: N) => timestamp(name, { withTimezone: true, mode: "date" });
/** Whole minor units of the shop's currency (ISO 4217 minor units: USD cents, VND dong, KWD fils). */
const money = <N extends string>(name: N) => bigint(name, { mode: "number" });
const points = <N extends string>(name: N) => bigint(name, { mode: "number" });

/** The column every shop's table leads with (see the top: keys lead with it so tables can be distributed). */
const shopKey = () => ({ shopId: text("shop_id").notNull() });
/** A shop's row with an id of its own; its primary key is {@link shopRowKey}. */
const shopRow = () => ({ ...shopKey(), id: text("id").notNull() });
/** The customer a row belongs to. */
const ofProfile = () => ({ profileId: text("profile_id").notNull() });
/** When it happened, as its source reports it, and when it reached the server. */
const happened = () => ({ at: ts("at").notNull(), receivedAt: ts("received_at").notNull() });
/** Where and by whom a capture was made at the counter: the store, the clerk and the register or tablet. */
const capturedWhere = () => ({
  locationId: text("location_id"),
  staffId: text("staff_id"),
  deviceId: text("device_id"),
});
/** What a job does (`kind`) and to what (`ref`): one job per pair is queued, and a dead letter keeps the pair. */
const jobOf = () => ({ kind: text("kind").notNull(), ref: text("ref").notNull() });
const shopRowKey = (t: { shopId: AnyPgColumn; id: AnyPgColumn }) => primaryKey({ columns: [t.shopId, t.id] });

export const shops = pgTable("shops", {
  shopId: text("shop_id").primaryKey(),
  /** Only what the merchant overrode; defaults live in shared/settings. */
  settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
  installedAt: ts("installed_at").notNull().defaultNow(),
  uninstalledAt: ts("uninstalled_at"),
  /** Bumped inside every write transaction that changes a profile; orders the sync change feed. */
  changeVersion: bigint("change_version", { mode: "number" }).notNull().default(0),
  /** Change-feed cursors below this were pruned: such a device must re-download. */
  changesPrunedBefore: bigint("changes_pruned_before", { mode: "number" }).notNull().default(0),
  consentSeq: bigint("consent_seq", { mode: "number" }).notNull().default(0),
  consentHeadHash: text("consent_head_hash"),
  /** The shop's quintile cut points for RFM frequency and monetary, refreshed by the whole-shop recompute. */
  rfmBreaks: jsonb("rfm_breaks").$type<{ frequency: number[]; monetary: number[] }>(),
  /** Shopify's numeric shop ID, pinned by the first signed webhook body naming it (shop_id). */
  shopifyShopId: text("shopify_shop_id"),
});

export const profiles = pgTable(
  "profiles",
  {
    ...shopRow(),
    status: text("status", { enum: ["active", "merged", "erased"] })
      .notNull()
      .default("active"),
    mergedInto: text("merged_into"),
    firstName: text("first_name"),
    lastName: text("last_name"),
    birthday: text("birthday"),
    postcode: text("postcode"),
    address1: text("address1"),
    /** The default address's second line and city (suburb): compared by duplicate detection. */
    address2: text("address2"),
    city: text("city"),
    timeZone: text("time_zone"),
    note: text("note"),
    /** Per-field times of the last write, for last-writer-wins by the time the customer acted. */
    fieldTimes: jsonb("field_times").$type<Record<string, string>>().notNull().default({}),
    orderCount: integer("order_count").notNull().default(0),
    lifetimeSpend: money("lifetime_spend").notNull().default(0),
    posSpend: money("pos_spend").notNull().default(0),
    onlineSpend: money("online_spend").notNull().default(0),
    firstOrderAt: ts("first_order_at"),
    lastOrderAt: ts("last_order_at"),
    preferredLocationId: text("preferred_location_id"),
    visitCount: integer("visit_count").notNull().default(0),
    lastVisitAt: ts("last_visit_at"),
    firstSeenAt: ts("first_seen_at").notNull(),
    lastActivityAt: ts("last_activity_at"),
    lifecycleStage: text("lifecycle_stage").notNull().default("new"),
    rfmR: smallint("rfm_r"),
    rfmF: smallint("rfm_f"),
    rfmM: smallint("rfm_m"),
    churnRisk: real("churn_risk"),
    ltvPredicted90d: money("ltv_predicted_90d"),
    nextOrderAt: ts("next_order_at"),
    engagementScore: real("engagement_score"),
    /** Distinct web sessions of the profile's browsers in the engagement lookback (web pixel). */
    webSessions30d: integer("web_sessions_30d").notNull().default(0),
    lastSeenOnlineAt: ts("last_seen_online_at"),
    /** Products viewed online and not bought, latest first (shared `viewedNotBought`), for the upsell hints. */
    viewedProductIds: jsonb("viewed_product_ids").$type<string[]>().notNull().default([]),
    loyaltyPoints: points("loyalty_points").notNull().default(0),
    loyaltyTier: text("loyalty_tier"),
    /**
     * Whether the customer's consent ledger grants each channel now (shared `currentConsentState`),
     * kept in the transaction of every ledger append, merge, undo and erasure, so a whole-shop
     * audience reads it with a scan instead of a ledger lookup per customer.
     */
    consentEmail: boolean("consent_email").notNull().default(false),
    consentSms: boolean("consent_sms").notNull().default(false),
    consentWhatsapp: boolean("consent_whatsapp").notNull().default(false),
    consentPush: boolean("consent_push").notNull().default(false),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    shopRowKey(t),
    index("profiles_shop_stage").on(t.shopId, t.lifecycleStage),
    index("profiles_shop_name").on(t.shopId, sql`lower(${t.lastName})`, sql`lower(${t.firstName})`),
    index("profiles_match_postcode").on(t.shopId, t.postcode).where(sql`${t.postcode} IS NOT NULL`),
    index("profiles_match_birthday").on(t.shopId, t.birthday).where(sql`${t.birthday} IS NOT NULL`),
  ],
);

/**
 * Each shop's duplicate-detection model (shared `MatchModel`: m and u per field and level), learned by
 * the whole-shop pass and used to score the candidates of customers as they arrive.
 */
export const matchModels = pgTable("match_models", {
  shopId: text("shop_id").primaryKey(),
  model: jsonb("model").$type<unknown>().notNull(),
  profiles: integer("profiles").notNull(),
  trainedAt: ts("trained_at").notNull(),
});

/** An identifier belongs to at most one profile: the unique key is the identifier itself. */
export const identifiers = pgTable(
  "identifiers",
  {
    ...shopKey(),
    kind: text("kind", { enum: ["shopify", "email", "marketplace", "phone", "device"] }).notNull(),
    value: text("value").notNull(),
    ...ofProfile(),
    source: text("source").notNull(),
    eventId: text("event_id"),
    linkedAt: ts("linked_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.kind, t.value] }), index("identifiers_profile").on(t.shopId, t.profileId)],
);

/** Every event that carried identifiers, with what it carried: explains links and re-attributes on undo. */
export const identityEvents = pgTable(
  "identity_events",
  {
    ...shopRow(),
    source: text("source").notNull(),
    identifiers: jsonb("identifiers").$type<{ kind: string; value: string }[]>().notNull(),
    ...ofProfile(),
    at: ts("at").notNull(),
  },
  (t) => [shopRowKey(t), index("identity_events_profile").on(t.shopId, t.profileId)],
);

export const orders = pgTable(
  "orders",
  {
    ...shopKey(),
    orderId: text("order_id").notNull(),
    profileId: text("profile_id"),
    shopifyCustomerId: text("shopify_customer_id"),
    email: text("email"),
    phone: text("phone"),
    /** Shopify's `shop_money`: what spend and points count. */
    total: money("total").notNull(),
    currency: text("currency").notNull(),
    /** What the customer paid in their own currency (`presentment_money`), kept beside; never summed. */
    presentmentTotal: money("presentment_total"),
    presentmentCurrency: text("presentment_currency"),
    sourceName: text("source_name"),
    locationId: text("location_id"),
    placedAt: ts("placed_at").notNull(),
    cancelledAt: ts("cancelled_at"),
    /** Shopify's updated_at: an older copy of the order never overwrites a newer one. */
    shopifyUpdatedAt: ts("shopify_updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.orderId] }),
    index("orders_profile").on(t.shopId, t.profileId, t.placedAt),
  ],
);

export const orderLines = pgTable(
  "order_lines",
  {
    ...shopKey(),
    orderId: text("order_id").notNull(),
    lineId: text("line_id").notNull(),
    productId: text("product_id"),
    variantId: text("variant_id"),
    title: text("title").notNull(),
    quantity: integer("quantity").notNull(),
    price: money("price").notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.orderId, t.lineId] })],
);

export const refunds = pgTable(
  "refunds",
  {
    ...shopKey(),
    refundId: text("refund_id").notNull(),
    orderId: text("order_id").notNull(),
    amount: money("amount").notNull(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.refundId] }), index("refunds_order").on(t.shopId, t.orderId)],
);

export const visits = pgTable(
  "visits",
  {
    ...shopRow(),
    ...ofProfile(),
    source: text("source", { enum: ["pos", "companion", "online"] }).notNull(),
    ...capturedWhere(),
    ...happened(),
  },
  (t) => [shopRowKey(t), index("visits_profile").on(t.shopId, t.profileId, t.at)],
);

export const consentTexts = pgTable(
  "consent_texts",
  {
    ...shopKey(),
    channel: text("channel").notNull(),
    locale: text("locale").notNull(),
    version: integer("version").notNull(),
    text: text("text").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.channel, t.locale, t.version] })],
);

/** Append-only; `hash` chains each row to the shop's previous row (tamper evidence). */
export const consents = pgTable(
  "consents",
  {
    ...shopRow(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    ...ofProfile(),
    channel: text("channel").notNull(),
    action: text("action", { enum: ["granted", "revoked"] }).notNull(),
    textVersion: integer("text_version"),
    text: text("text"),
    locale: text("locale"),
    actedAt: ts("acted_at").notNull(),
    deviceTime: ts("device_time").notNull(),
    receivedAt: ts("received_at").notNull(),
    clamped: boolean("clamped").notNull().default(false),
    source: text("source").notNull(),
    ...capturedWhere(),
    jurisdiction: text("jurisdiction"),
    prevHash: text("prev_hash"),
    hash: text("hash").notNull(),
  },
  (t) => [
    shopRowKey(t),
    uniqueIndex("consents_shop_seq").on(t.shopId, t.seq),
    index("consents_profile").on(t.shopId, t.profileId),
  ],
);

/** Append-only points ledger. `entryKey` makes each earn, clawback or adjustment idempotent. */
export const loyaltyLedger = pgTable(
  "loyalty_ledger",
  {
    ...shopKey(),
    entryKey: text("entry_key").notNull(),
    ...ofProfile(),
    kind: text("kind", {
      enum: ["earn", "clawback", "adjust", "redeem_hold", "redeem_release", "redeem_spend", "redeem_return"],
    }).notNull(),
    points: points("points").notNull(),
    orderId: text("order_id"),
    reason: text("reason"),
    staffId: text("staff_id"),
    at: ts("at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.entryKey] }),
    index("loyalty_profile").on(t.shopId, t.profileId, t.at),
    // Reconciling an order's points reads what the ledger already gave that order.
    index("loyalty_order").on(t.shopId, t.orderId),
  ],
);

/**
 * Points redeemed at the register as a cart discount (shared loyalty/redemption.ts). The id comes from the
 * register, so holding, releasing and spending are idempotent; each step is also a points ledger entry
 * keyed `redemption:<id>:<step>`.
 */
export const redemptions = pgTable(
  "redemptions",
  {
    ...shopRow(),
    ...ofProfile(),
    requestedPoints: bigint("requested_points", { mode: "number" }).notNull(),
    points: bigint("points", { mode: "number" }).notNull(),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    state: text("state", { enum: ["held", "spent", "released", "clawed_back"] }).notNull(),
    orderId: text("order_id"),
    returnedPoints: bigint("returned_points", { mode: "number" }).notNull().default(0),
    staffId: text("staff_id"),
    heldAt: ts("held_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [shopRowKey(t), index("redemptions_order").on(t.shopId, t.orderId)],
);

export const messages = pgTable(
  "messages",
  {
    ...shopRow(),
    ...ofProfile(),
    channel: text("channel").notNull(),
    kind: text("kind").notNull(),
    status: text("status", { enum: ["sent", "blocked"] }).notNull(),
    reason: text("reason").notNull(),
    at: ts("at").notNull(),
  },
  (t) => [
    shopRowKey(t),
    index("messages_profile").on(t.shopId, t.profileId, t.at),
    // The audience gate reads only the last seven days of a shop's messages.
    index("messages_shop_at").on(t.shopId, t.at),
  ],
);

export const merges = pgTable(
  "merges",
  {
    ...shopRow(),
    survivorId: text("survivor_id").notNull(),
    mergedId: text("merged_id").notNull(),
    evidence: jsonb("evidence").$type<{ kind: string; value: string }[]>().notNull(),
    eventId: text("event_id"),
    reason: text("reason").notNull(),
    auto: boolean("auto").notNull(),
    decidedBy: text("decided_by"),
    /** Both profiles and their identifiers exactly as they were before the merge. */
    snapshot: jsonb("snapshot").$type<Record<string, unknown>>().notNull(),
    createdAt: ts("created_at").notNull(),
    undoneAt: ts("undone_at"),
  },
  (t) => [shopRowKey(t), index("merges_survivor").on(t.shopId, t.survivorId)],
);

export const mergeCandidates = pgTable(
  "merge_candidates",
  {
    ...shopRow(),
    ...ofProfile(),
    otherProfileId: text("other_profile_id").notNull(),
    kind: text("kind", { enum: ["conflict", "probabilistic"] }).notNull(),
    reason: text("reason").notNull(),
    evidence: jsonb("evidence").$type<unknown>().notNull(),
    score: real("score"),
    status: text("status", { enum: ["open", "merged", "dismissed"] })
      .notNull()
      .default("open"),
    createdAt: ts("created_at").notNull(),
    decidedAt: ts("decided_at"),
    decidedBy: text("decided_by"),
  },
  (t) => [
    shopRowKey(t),
    uniqueIndex("merge_candidates_pair").on(t.shopId, t.profileId, t.otherProfileId),
    index("merge_candidates_other").on(t.shopId, t.otherProfileId),
    index("merge_candidates_open").on(t.shopId, t.status),
  ],
);

/**
 * A webhook delivery, stored before it is answered. Deduplicated by shop, topic and Shopify's event (or
 * webhook) ID: `delivery_id` is `{topic}:{event id}`, since one Shopify event reaches several topics.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    ...shopKey(),
    deliveryId: text("delivery_id").notNull(),
    /** X-Shopify-Event-Id as sent (X-Shopify-Webhook-Id when Shopify sent no event id). */
    eventId: text("event_id"),
    topic: text("topic").notNull(),
    webhookId: text("webhook_id"),
    payload: jsonb("payload").notNull(),
    receivedAt: ts("received_at").notNull().defaultNow(),
    status: text("status", { enum: ["queued", "processed", "dead"] })
      .notNull()
      .default("queued"),
    processedAt: ts("processed_at"),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.deliveryId] }), index("webhook_deliveries_status").on(t.shopId, t.status)],
);

/**
 * The job queue. Workers claim with FOR UPDATE SKIP LOCKED, so any number of server instances share it;
 * identical on PostgreSQL and PGlite.
 */
export const jobs = pgTable(
  "jobs",
  {
    ...shopRow(),
    ...jobOf(),
    runAt: ts("run_at").notNull().defaultNow(),
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(8),
    lockedUntil: ts("locked_until"),
    lastError: text("last_error"),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [shopRowKey(t), uniqueIndex("jobs_kind_ref").on(t.shopId, t.kind, t.ref), index("jobs_due").on(t.runAt)],
);

export const deadLetters = pgTable(
  "dead_letters",
  {
    ...shopRow(),
    ...jobOf(),
    attempts: integer("attempts").notNull(),
    lastError: text("last_error").notNull(),
    failedAt: ts("failed_at").notNull(),
    retriedAt: ts("retried_at"),
  },
  (t) => [shopRowKey(t)],
);

export const devices = pgTable(
  "devices",
  {
    ...shopRow(),
    name: text("name").notNull(),
    locationId: text("location_id"),
    tokenHash: text("token_hash").notNull(),
    createdAt: ts("created_at").notNull(),
    lastSyncAt: ts("last_sync_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [shopRowKey(t)],
);

/** The shop's store locations by name (Shopify Admin `locations`), so staff choose and see names, not GIDs. */
export const locations = pgTable(
  "locations",
  {
    ...shopRow(),
    name: text("name").notNull(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [shopRowKey(t)],
);

export const pairingCodes = pgTable(
  "pairing_codes",
  {
    ...shopKey(),
    code: text("code").notNull(),
    locationId: text("location_id"),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at"),
    createdBy: text("created_by"),
    /** The code's first three characters: how a typed code is found; the rest is checked as its secret. */
    lookup: text("lookup").generatedAlwaysAs(sql`left(code, 3)`),
    /** Wrong codes typed that share this code's lookup; at PAIRING_MAX_FAILURES the code is locked. */
    failedAttempts: integer("failed_attempts").notNull().default(0),
    lockedAt: ts("locked_at"),
  },
  // The code is typed on a tablet that does not know its shop yet: found by its lookup alone (one indexed read).
  (t) => [primaryKey({ columns: [t.shopId, t.code] }), index("pairing_codes_lookup").on(t.lookup)],
);

export const syncClients = pgTable(
  "sync_clients",
  {
    ...shopKey(),
    clientId: text("client_id").notNull(),
    deviceId: text("device_id").notNull(),
    lastSeq: bigint("last_seq", { mode: "number" }).notNull().default(0),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.clientId] })],
);

/** Every mutation a device pushed, applied or rejected, so a re-push changes nothing. */
export const syncMutations = pgTable(
  "sync_mutations",
  {
    ...shopKey(),
    mutationId: text("mutation_id").notNull(),
    clientId: text("client_id").notNull(),
    seq: bigint("seq", { mode: "number" }).notNull(),
    name: text("name").notNull(),
    status: text("status", { enum: ["applied", "rejected"] }).notNull(),
    reason: text("reason"),
    appliedAt: ts("applied_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.mutationId] }),
    index("sync_mutations_client").on(t.shopId, t.clientId, t.seq),
  ],
);

/** The change feed devices pull: the latest version per profile, or its tombstone. */
export const profileChanges = pgTable(
  "profile_changes",
  {
    ...shopKey(),
    ...ofProfile(),
    version: bigint("version", { mode: "number" }).notNull(),
    kind: text("kind", { enum: ["upsert", "tombstone"] }).notNull(),
    changedAt: ts("changed_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.profileId] }),
    uniqueIndex("profile_changes_version").on(t.shopId, t.version),
  ],
);

/** GDPR data requests: the export document kept for the merchant to download. */
export const dataRequests = pgTable(
  "data_requests",
  {
    ...shopRow(),
    profileId: text("profile_id"),
    document: jsonb("document").notNull(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [shopRowKey(t)],
);

/**
 * Agency access: a shop grants a Shopify user (the `sub` of their session token) its dashboard figures.
 * The roll-up reads each granted shop on its own; no query spans shops.
 */
export const agencyGrants = pgTable(
  "agency_grants",
  {
    ...shopKey(),
    userId: text("user_id").notNull(),
    grantedBy: text("granted_by"),
    grantedAt: ts("granted_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.userId] }), index("agency_grants_user").on(t.userId)],
);

/**
 * A whole-shop recompute asked for from the admin ("Recompute now"): the request and, once its queue job
 * has run, what it did. The job's ref is `manual:<id>`, so a repeated click while one waits adds no second job.
 */
export const shopRecomputes = pgTable(
  "shop_recomputes",
  {
    ...shopRow(),
    requestedAt: ts("requested_at").notNull(),
    finishedAt: ts("finished_at"),
    profiles: integer("profiles"),
    changed: integer("changed"),
    newCandidates: integer("new_candidates"),
  },
  (t) => [shopRowKey(t)],
);

/**
 * What is left of a shop after shop/redact: keyed by domain (not `shop_id`, so the redaction that wipes
 * every `shop_id` table keeps it). Shopify retries older deliveries after the redaction; the delivery ids
 * and the redaction time keep them from bringing the shop's customers back, until a fresh install.
 */
export const redactedShops = pgTable("redacted_shops", {
  shopDomain: text("shop_domain").primaryKey(),
  redactedAt: ts("redacted_at").notNull(),
  /** Set by the first session token issued after the redaction: the merchant installed the app again. */
  reinstalledAt: ts("reinstalled_at"),
  deliveryIds: text("delivery_ids").array().notNull().default(sql`'{}'::text[]`),
});

/**
 * The shop's key for the erasure register: identifiers are kept only as HMAC-SHA256 under it, so the
 * register cannot be read back into emails or phones, and a hash means nothing in another shop.
 */
export const erasureKeys = pgTable("erasure_keys", {
  shopId: text("shop_id").primaryKey(),
  secret: text("secret").notNull(),
  createdAt: ts("created_at").notNull(),
});

/**
 * What was erased, as keyed hashes of `kind:value` (email, phone, Shopify customer, device, order), with
 * the latest erase time: anything made before it that names one of them is stored without it.
 */
export const erasureRegister = pgTable(
  "erasure_register",
  {
    ...shopKey(),
    hash: text("hash").notNull(),
    kind: text("kind").notNull(),
    erasedAt: ts("erased_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.hash] })],
);

/** How many late events, captures and backfill rows named an erased customer and were kept out, per source. */
export const erasureHeldBack = pgTable(
  "erasure_held_back",
  {
    ...shopKey(),
    source: text("source", { enum: ["webhook", "capture", "session", "backfill"] }).notNull(),
    count: bigint("count", { mode: "number" }).notNull(),
    lastAt: ts("last_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.source] })],
);

/**
 * Values a later write replaced or an older write lost (last write wins), kept so a clerk's edit can be
 * traced; here rather than in the log, because an erase reaches this table and cannot reach a log.
 */
export const fieldHistory = pgTable(
  "field_history",
  {
    ...shopKey(),
    mutationId: text("mutation_id").notNull(),
    field: text("field").notNull(),
    outcome: text("outcome", { enum: ["overwritten", "ignored"] }).notNull(),
    ...ofProfile(),
    value: text("value").notNull(),
    valueAt: ts("value_at"),
    actedAt: ts("acted_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.shopId, t.mutationId, t.field] }),
    index("field_history_profile").on(t.shopId, t.profileId),
  ],
);

/**
 * The shop's offline Admin API access token from Shopify's token exchange: one per shop, replaced on
 * re-exchange, deleted on app/uninstalled. Stored encrypted (AES-256-GCM, key from the environment).
 */
export const shopifyConnections = pgTable("shopify_connections", {
  shopId: text("shop_id").primaryKey(),
  accessTokenEncrypted: text("access_token_encrypted").notNull(),
  scope: text("scope"),
  exchangedAt: ts("exchanged_at").notNull(),
});

/** A bulk backfill of a shop's customers and orders from the Admin API: progress, failure and where to resume. */
export const shopifyBackfills = pgTable(
  "shopify_backfills",
  {
    ...shopRow(),
    status: text("status").notNull(),
    bulkOperationId: text("bulk_operation_id"),
    resultUrl: text("result_url"),
    objectCount: bigint("object_count", { mode: "number" }),
    linesDone: bigint("lines_done", { mode: "number" }).notNull().default(0),
    /** Where the next chunk starts in the result file: a resumed job downloads only the rest (HTTP Range). */
    bytesDone: bigint("bytes_done", { mode: "number" }).notNull().default(0),
    linesSkipped: bigint("lines_skipped", { mode: "number" }).notNull().default(0),
    customers: bigint("customers", { mode: "number" }).notNull().default(0),
    orders: bigint("orders", { mode: "number" }).notNull().default(0),
    error: text("error"),
    startedAt: ts("started_at").notNull(),
    finishedAt: ts("finished_at"),
  },
  (t) => [shopRowKey(t)],
);

/** The loyalty points and tier last written to a customer's app-owned metafields: only changes are sent again. */
export const shopifyLoyaltyWritten = pgTable(
  "shopify_loyalty_written",
  {
    ...shopKey(),
    shopifyCustomerId: text("shopify_customer_id").notNull(),
    points: points("points").notNull(),
    tier: text("tier").notNull(),
    writtenAt: ts("written_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.shopifyCustomerId] })],
);

/**
 * What the web pixel saw in a browser, keyed by Shopify's event id (a resent batch stores nothing twice).
 * Events belong to a browser (`client_id`), not a profile: they count for the profile that holds that
 * client id as a device identifier, so merges, undo and erasure follow the identifier.
 */
export const webEvents = pgTable(
  "web_events",
  {
    ...shopRow(),
    clientId: text("client_id").notNull(),
    sessionId: text("session_id").notNull(),
    name: text("name").notNull(),
    productId: text("product_id"),
    ...happened(),
  },
  (t) => [
    shopRowKey(t),
    index("web_events_client").on(t.shopId, t.clientId, t.at),
    index("web_events_shop_at").on(t.shopId, t.at),
  ],
);

/**
 * API keys a merchant creates for their messaging tools. Only a hash of the secret is kept; the key is
 * shown once. A key is found by its id (the part before the dot), so the lookup index leads with `id`.
 */
export const messagingApiKeys = pgTable(
  "messaging_api_keys",
  {
    ...shopRow(),
    name: text("name").notNull(),
    secretHash: text("secret_hash").notNull(),
    createdAt: ts("created_at").notNull(),
    createdBy: text("created_by"),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [shopRowKey(t), index("messaging_api_keys_lookup").on(t.id)],
);

/** Sends, deliveries, opens, clicks, replies and unsubscribes a messaging tool reported, by the tool's event id. */
export const messageEvents = pgTable(
  "message_events",
  {
    ...shopRow(),
    keyId: text("key_id").notNull(),
    ...ofProfile(),
    channel: text("channel").notNull(),
    kind: text("kind", { enum: ["sent", "delivered", "opened", "clicked", "replied", "unsubscribed"] }).notNull(),
    messageId: text("message_id"),
    ...happened(),
  },
  (t) => [
    shopRowKey(t),
    index("message_events_profile").on(t.shopId, t.profileId, t.at),
    index("message_events_shop_at").on(t.shopId, t.at),
  ],
);

/**
 * What the register shows of a customer beyond the profile row, as `register-view.ts` reads it: the profile's
 * identifiers, consent rows and last 5 orders with their product titles. Kept by database
 * triggers (migration 0016) in every writer's transaction, so it is never behind the tables it is made of;
 * a profile without a row is answered from the same SQL function at read time. Last in this file, because a
 * shop redaction deletes tables in this order: nothing that could write a summary runs after it.
 */
export const registerSummaries = pgTable(
  "register_summaries",
  {
    ...shopKey(),
    ...ofProfile(),
    summary: jsonb("summary").$type<Record<string, unknown>>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.shopId, t.profileId] })],
);
