import { consentWriteBack, customerGid, idFromGid } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Tx } from "../db/client";
import { queryRows, type RawRow } from "../db/rows";
import type * as tables from "../db/schema";
import type { JobHandler } from "../jobs/queue";
import { recordProfileChange } from "../services/shop/shop";
import { type ShopifyAdmin, ShopifyCallFailed } from "./admin";
import { backfillJobHandler } from "./backfill";
import { SHOPIFY_JOBS } from "./enqueue";
import { loyaltyJobHandler } from "./loyalty-metafields";
import { webPixelJobHandler } from "./web-pixel";
import { CUSTOMER_CREATE, CUSTOMER_MERGE, EMAIL_CONSENT_UPDATE, FIND_CUSTOMER, SMS_CONSENT_UPDATE } from "./queries";

interface UserError {
  field: string[] | null;
  message: string;
}
const describe = (errors: UserError[]) =>
  errors.map((e) => `${(e.field ?? []).join(".") || "input"}: ${e.message}`).join("; ");

/**
 * The profile's Shopify customer ID; when it has none and carries an email or phone, the customer is
 * created in Shopify (customerCreate) and linked. When Shopify answers that the email or phone is taken,
 * that existing customer is found and linked instead. Null: nothing to create from.
 */
export async function ensureShopifyCustomer(
  tx: Tx,
  admin: ShopifyAdmin,
  shopId: string,
  profileId: string,
  now: Date,
): Promise<string | null> {
  const ids = await queryRows<RawRow<typeof tables.identifiers, "kind" | "value">>(
    tx,
    sql`SELECT kind, value FROM identifiers WHERE shop_id = ${shopId} AND profile_id = ${profileId}
      ORDER BY linked_at, value`,
  );
  const linked = ids.find((i) => i.kind === "shopify");
  if (linked) return linked.value;
  const email = ids.find((i) => i.kind === "email")?.value;
  const phone = ids.find((i) => i.kind === "phone")?.value;
  if (!email && !phone) return null;
  const [profile] = await queryRows<RawRow<typeof tables.profiles, "first_name" | "last_name">>(
    tx,
    sql`SELECT first_name, last_name FROM profiles WHERE shop_id = ${shopId} AND id = ${profileId}
      AND status = 'active'`,
  );
  if (!profile) return null;
  const input = { email, phone, firstName: profile.first_name ?? undefined, lastName: profile.last_name ?? undefined };
  const { data } = await admin.graphql<{
    customerCreate: { customer: { id: string } | null; userErrors: UserError[] };
  }>(shopId, CUSTOMER_CREATE, { input }, tx);
  let shopifyId = idFromGid(data.customerCreate.customer?.id);
  if (!shopifyId) {
    const errors = data.customerCreate.userErrors;
    const taken = errors.find((e) => /has already been taken/i.test(e.message));
    if (!taken) throw new ShopifyCallFailed(`customerCreate refused the customer: ${describe(errors)}`);
    const byPhone = (taken.field ?? []).includes("phone");
    const query = byPhone ? `phone:"${phone}"` : `email:"${email}"`;
    const found = await admin.graphql<{ customers: { nodes: { id: string }[] } }>(shopId, FIND_CUSTOMER, { query }, tx);
    shopifyId = idFromGid(found.data.customers.nodes[0]?.id);
    if (!shopifyId) throw new ShopifyCallFailed(`Shopify says ${taken.message} but finds no customer for ${query}`);
  }
  const inserted = await queryRows<{ value: string }>(
    tx,
    sql`INSERT INTO identifiers (shop_id, kind, value, profile_id, source, event_id, linked_at)
        VALUES (${shopId}, 'shopify', ${shopifyId}, ${profileId}, 'shopify', ${`shopify-link:${profileId}`}, ${now})
        ON CONFLICT (shop_id, kind, value) DO NOTHING RETURNING value`,
  );
  // Already another profile's: the identity review decides on a merge; this profile stays as it is.
  if (inserted.length === 0) return null;
  await recordProfileChange(tx, shopId, profileId, "upsert");
  return shopifyId;
}

/** `shopify.consent` ref `<consent id>:<email|sms>`: one ledger row's grant or revocation, written to Shopify once. */
function consentJob(admin: ShopifyAdmin, clock: () => Date): JobHandler {
  return async (tx, job) => {
    const [consentId, channel] = [
      job.ref.slice(0, job.ref.lastIndexOf(":")),
      job.ref.slice(job.ref.lastIndexOf(":") + 1),
    ];
    const [row] = await queryRows<
      RawRow<typeof tables.consents, "profile_id" | "channel" | "action" | "acted_at" | "location_id">
    >(
      tx,
      sql`SELECT profile_id, channel, action, acted_at, location_id FROM consents WHERE shop_id = ${job.shop_id}
        AND id = ${consentId}`,
    );
    if (!row) return; // erased since
    const write = consentWriteBack({
      channel: row.channel,
      action: row.action,
      actedAt: new Date(row.acted_at),
      locationId: row.location_id,
    }).find((w) => w.channel === channel);
    if (!write) return;
    const shopifyId = await ensureShopifyCustomer(tx, admin, job.shop_id, row.profile_id, clock());
    if (!shopifyId) return; // no Shopify customer to hold it (no email or phone)
    const mutation = write.channel === "email" ? EMAIL_CONSENT_UPDATE : SMS_CONSENT_UPDATE;
    const field =
      write.channel === "email" ? "customerEmailMarketingConsentUpdate" : "customerSmsMarketingConsentUpdate";
    const { data } = await admin.graphql<Record<string, { userErrors: UserError[] }>>(
      job.shop_id,
      mutation,
      {
        input: { customerId: customerGid(shopifyId), ...write.input },
      },
      tx,
    );
    const errors = data[field]?.userErrors ?? [];
    if (errors.length > 0) throw new ShopifyCallFailed(`${field} refused: ${describe(errors)}`);
  };
}

/** `shopify.customer` ref `<profile id>`: a customer captured on the tablet or at the register, created in Shopify. */
function customerJob(admin: ShopifyAdmin, clock: () => Date): JobHandler {
  return async (tx, job) => {
    await ensureShopifyCustomer(tx, admin, job.shop_id, job.ref, clock());
  };
}

/**
 * `shopify.customerMerge` ref `<duplicate id>`: the merchant confirmed two Shopify customers are one;
 * Shopify merges them (customerMerge) and its customers/merge webhook then merges our profiles. A
 * duplicate decided meanwhile, or whose people no longer hold two Shopify IDs, is not sent.
 */
function customerMergeJob(admin: ShopifyAdmin): JobHandler {
  return async (tx, job) => {
    const [candidate] = await queryRows<
      RawRow<typeof tables.mergeCandidates, "profile_id" | "other_profile_id" | "status">
    >(
      tx,
      sql`SELECT profile_id, other_profile_id, status FROM merge_candidates
          WHERE shop_id = ${job.shop_id} AND id = ${job.ref}`,
    );
    if (candidate?.status !== "open") return;
    const held = await queryRows<{ profile_id: string; value: string }>(
      tx,
      sql`SELECT i.profile_id, i.value FROM identifiers i
          JOIN profiles p ON p.shop_id = i.shop_id AND p.id = i.profile_id
          WHERE i.shop_id = ${job.shop_id} AND i.kind = 'shopify' AND p.status = 'active'
            AND i.profile_id IN (${candidate.profile_id}, ${candidate.other_profile_id})
          ORDER BY i.linked_at, i.value`,
    );
    const one = held.find((h) => h.profile_id === candidate.profile_id)?.value;
    const two = held.find((h) => h.profile_id === candidate.other_profile_id)?.value;
    if (!one || !two) return;
    const { data } = await admin.graphql<{
      customerMerge: { resultingCustomerId: string | null; userErrors: UserError[] };
    }>(job.shop_id, CUSTOMER_MERGE, { customerOneId: customerGid(one), customerTwoId: customerGid(two) }, tx);
    const errors = data.customerMerge.userErrors;
    if (errors.length > 0) throw new ShopifyCallFailed(`customerMerge refused: ${describe(errors)}`);
  };
}

/** Job kinds that call the Admin API; each is idempotent by its ref, so a retry never doubles a write. */
export function shopifyJobHandlers(
  admin: ShopifyAdmin,
  clock: () => Date,
  serverUrl: string,
): Record<string, JobHandler> {
  return {
    [SHOPIFY_JOBS.consent]: consentJob(admin, clock),
    [SHOPIFY_JOBS.customer]: customerJob(admin, clock),
    [SHOPIFY_JOBS.backfill]: backfillJobHandler(admin, clock),
    [SHOPIFY_JOBS.loyalty]: loyaltyJobHandler(admin, clock),
    [SHOPIFY_JOBS.customerMerge]: customerMergeJob(admin),
    [SHOPIFY_JOBS.webPixel]: webPixelJobHandler(admin, serverUrl),
  };
}
