import { z } from "zod";
import { webhookCustomerSchema, type WebhookCustomer } from "./webhooks";

/** The fields of a Shopify customer record that identity and profiles use, as `webhookCustomerSchema` reads them. */
export type CustomerRecord = Pick<
  WebhookCustomer,
  "id" | "email" | "phone" | "first_name" | "last_name" | "updated_at" | "created_at"
> & {
  default_address: {
    zip: string | null;
    address1: string | null;
    country_code: string | null;
    address2?: string | null;
    city?: string | null;
  } | null;
  /** YYYY-MM-DD from Shopify's standard `facts.birth_date` metafield, when the record carries it. */
  birthday?: string | null;
};

/** The details only duplicate detection reads, present when the record carries them. */
function matchingDetails(d: { address2?: string | null | undefined; city?: string | null | undefined }) {
  return { ...(d.address2 != null ? { address2: d.address2 } : {}), ...(d.city != null ? { city: d.city } : {}) };
}
const birthdayOf = (metafields: unknown) => {
  const birthday = birthDateOf(metafields);
  return birthday ? { birthday } : {};
};

const BIRTH_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The birth date a record's metafields carry (Shopify's standard `facts.birth_date`). A malformed
 * metafield is ignored, not a reason to refuse the customer: it is a matching hint, not an identifier.
 */
export function birthDateOf(metafields: unknown): string | null {
  if (!Array.isArray(metafields)) return null;
  for (const m of metafields) {
    if (!isPlainObject(m) || m.namespace !== "facts" || m.key !== "birth_date") continue;
    return typeof m.value === "string" && BIRTH_DATE.test(m.value.trim()) ? m.value.trim() : null;
  }
  return null;
}

export type CustomerRecordResult = { ok: true; customer: CustomerRecord } | { ok: false; issues: string[] };

const isoWithOffset = z.iso.datetime({ offset: true });
const NUMERIC_ID = /^\d+$/;
const UNSURE = Symbol("unsure");

const optionalText = (v: unknown): string | null | typeof UNSURE =>
  v == null ? null : typeof v === "string" ? v : UNSURE;
const optionalTime = (v: unknown): Date | null | typeof UNSURE =>
  v == null ? null : typeof v === "string" && isoWithOffset.safeParse(v).success ? new Date(v) : UNSURE;
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The common shapes, read without zod's per-field overhead (a million-customer export spends most of its parse there).
 */
function readFast(value: unknown): CustomerRecord | typeof UNSURE {
  if (!isPlainObject(value)) return UNSURE;
  const rawId = value.id;
  const id =
    typeof rawId === "number" && Number.isSafeInteger(rawId)
      ? String(rawId)
      : typeof rawId === "string" && NUMERIC_ID.test(rawId)
        ? rawId
        : UNSURE;
  const email = optionalText(value.email);
  const phone = optionalText(value.phone);
  const first_name = optionalText(value.first_name);
  const last_name = optionalText(value.last_name);
  const updated_at = optionalTime(value.updated_at);
  const created_at = optionalTime(value.created_at);
  if (
    id === UNSURE ||
    email === UNSURE ||
    phone === UNSURE ||
    first_name === UNSURE ||
    last_name === UNSURE ||
    updated_at === UNSURE ||
    created_at === UNSURE
  ) {
    return UNSURE;
  }
  let default_address: CustomerRecord["default_address"] = null;
  const address = value.default_address;
  if (address != null) {
    if (!isPlainObject(address)) return UNSURE;
    const zip = optionalText(address.zip);
    const address1 = optionalText(address.address1);
    const country_code = optionalText(address.country_code);
    const address2 = optionalText(address.address2);
    const city = optionalText(address.city);
    if (zip === UNSURE || address1 === UNSURE || country_code === UNSURE) return UNSURE;
    if (address2 === UNSURE || city === UNSURE) return UNSURE;
    default_address = { zip, address1, country_code, ...matchingDetails({ address2, city }) };
  }
  const birthday = birthdayOf(value.metafields);
  return { id, email, phone, first_name, last_name, updated_at, created_at, default_address, ...birthday };
}

/**
 * Reads one customer record exactly as `webhookCustomerSchema` accepts it (the same records pass, the same
 * values come out), answering the schema's issues when it is refused.
 */
export function readCustomerRecord(value: unknown): CustomerRecordResult {
  const fast = readFast(value);
  if (fast !== UNSURE) return { ok: true, customer: fast };
  const parsed = webhookCustomerSchema.safeParse(value);
  if (!parsed.success)
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)),
    };
  const c = parsed.data;
  const a = c.default_address;
  return {
    ok: true,
    customer: {
      id: c.id,
      email: c.email,
      phone: c.phone,
      first_name: c.first_name,
      last_name: c.last_name,
      updated_at: c.updated_at,
      created_at: c.created_at,
      default_address: a
        ? {
            zip: a.zip,
            address1: a.address1,
            country_code: a.country_code,
            ...matchingDetails({ address2: a.address2, city: a.city }),
          }
        : null,
      ...birthdayOf((value as Record<string, unknown>).metafields),
    },
  };
}
