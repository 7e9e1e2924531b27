import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";

/** Strongest first: the order in which an event's identifiers decide where it belongs. */
export const IDENTIFIER_KINDS = ["shopify", "email", "marketplace", "phone", "device"] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/** A normalised identifier: two equal identifiers always have equal `kind` and `value`. */
export interface Identifier {
  kind: IdentifierKind;
  value: string;
}

const STRENGTH: Record<IdentifierKind, number> = { shopify: 4, email: 3, marketplace: 3, phone: 2, device: 1 };

export function identifierStrength(kind: IdentifierKind): number {
  return STRENGTH[kind];
}

export function identifierKey(i: Identifier): string {
  return `${i.kind}:${i.value}`;
}

/** Strongest first; equal strength keeps the given order, so a caller's "primary" email stays first. */
export function byStrength(identifiers: readonly Identifier[]): Identifier[] {
  return identifiers
    .map((identifier, index) => ({ identifier, index }))
    .sort((a, b) => identifierStrength(b.identifier.kind) - identifierStrength(a.identifier.kind) || a.index - b.index)
    .map((x) => x.identifier);
}

/** Drops repeats of the same identifier, keeping the first. */
export function uniqueIdentifiers(identifiers: readonly Identifier[]): Identifier[] {
  const seen = new Set<string>();
  return identifiers.filter((i) => {
    const key = identifierKey(i);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const clean = (raw: string | null | undefined): string => (typeof raw === "string" ? raw.trim() : "");
// A shop's junk list is one settings array read for every identifier of a backfill: prepared once per array.
const preparedJunk = new WeakMap<readonly string[], { entries: Set<string>; digits: Set<string> }>();
function prepareJunk(junk: readonly string[]) {
  let prepared = preparedJunk.get(junk);
  if (!prepared) {
    const entries = new Set(junk.map((j) => j.trim().toLowerCase()).filter(Boolean));
    prepared = { entries, digits: new Set([...entries].map(digitsOf).filter((d) => d.length >= 5)) };
    preparedJunk.set(junk, prepared);
  }
  return prepared;
}
const junkSet = (junk: readonly string[]): Set<string> => prepareJunk(junk).entries;

// Deliberately strict enough to refuse clerk typos like "sarah@gmail" or "sarah gmail.com",
// loose enough for plus-addressing and subdomains.
const EMAIL_SHAPE =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/;

// Addresses clerks type when a customer has none. One of them, linked, would join every such customer
// into one profile, so they are refused even when the shop's own junk list forgets them.
const PLACEHOLDER_LOCAL_PARTS = new Set([
  "noemail",
  "no-email",
  "no_email",
  "nomail",
  "none",
  "na",
  "n/a",
  "null",
  "unknown",
  "test",
  "noreply",
  "no-reply",
  "donotreply",
  "do-not-reply",
  "asdf",
  "xxx",
  "customer",
]);
const PLACEHOLDER_DOMAINS = new Set(["example.com", "example.org", "example.net", "test.com"]);
const PLACEHOLDER_TLDS = new Set(["example", "test", "invalid", "localhost", "local"]);

export function normalizeEmail(raw: string | null | undefined, junk: readonly string[]): string | null {
  const email = clean(raw).toLowerCase();
  if (email.length === 0 || email.length > 254 || !EMAIL_SHAPE.test(email)) return null;
  const at = email.lastIndexOf("@");
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const tld = domain.slice(domain.lastIndexOf(".") + 1);
  if (PLACEHOLDER_LOCAL_PARTS.has(local) || PLACEHOLDER_DOMAINS.has(domain) || PLACEHOLDER_TLDS.has(tld)) return null;
  if (local === domain.slice(0, domain.indexOf("."))) return null; // test@test.com, email@email.com
  for (const entry of junkSet(junk)) {
    if (entry === email) return null;
    if (entry.endsWith("@") && entry.slice(0, -1) === local) return null; // "noemail@" = any domain
    if (entry.startsWith("@") && entry.slice(1) === domain) return null; // "@shop.com" = any local part
  }
  return email;
}

const digitsOf = (s: string): string => s.replace(/\D/g, "");

export function normalizePhone(
  raw: string | null | undefined,
  defaultCountry: string,
  junk: readonly string[],
): string | null {
  const phone = clean(raw);
  const digits = digitsOf(phone);
  if (digits.length < 5) return null;
  // "0000000000" in the shop's list also catches "000-000-0000" and "+1 000 000 0000".
  const { entries: junkEntries, digits: junkDigits } = prepareJunk(junk);
  if (junkEntries.has(phone.toLowerCase()) || junkDigits.has(digits)) return null;
  // biome-ignore lint/suspicious/noImplicitAnyLet: assigned in the try below, typed by what it is assigned
  let parsed;
  try {
    parsed = parsePhoneNumberFromString(phone, { defaultCountry: defaultCountry.toUpperCase() as CountryCode });
  } catch {
    return null;
  }
  if (!parsed?.isValid()) return null;
  const national = parsed.nationalNumber;
  if (/^(\d)\1+$/.test(national)) return null; // 222-222-2222 passes the length rules but is nobody's number
  if (junkDigits.has(national) || junkDigits.has(digitsOf(parsed.number))) return null;
  return parsed.number;
}

export interface RawIdentifiers {
  shopifyCustomerId?: string | number | null;
  email?: string | null;
  phone?: string | null;
  deviceId?: string | null;
  marketplaceId?: string | null;
}

export interface NormalizeContext {
  defaultCountry: string;
  junk: readonly string[];
  /** Companion tablets and POS hardware: their IDs describe the shop, not a customer. */
  storeDeviceIds?: readonly string[];
}

const SHOPIFY_GID = /^gid:\/\/shopify\/Customer\/(\d+)$/i;

export function normalizeShopifyCustomerId(raw: string | number | null | undefined): string | null {
  if (typeof raw === "number") return Number.isSafeInteger(raw) && raw > 0 ? String(raw) : null;
  const text = clean(raw);
  const id = SHOPIFY_GID.exec(text)?.[1] ?? (/^\d+$/.test(text) ? text : null);
  if (id === null) return null;
  const canonical = id.replace(/^0+/, "");
  return canonical.length > 0 ? canonical : null;
}

/** Device, cookie and marketplace IDs are opaque: only trimmed, never case-folded. */
function normalizeOpaque(raw: string | null | undefined, junk: Set<string>): string | null {
  const value = clean(raw);
  if (value.length === 0 || value.length > 200 || junk.has(value.toLowerCase())) return null;
  return value;
}

export function normalizeIdentifiers(raw: RawIdentifiers, ctx: NormalizeContext): Identifier[] {
  const junk = junkSet(ctx.junk);
  const storeDevices = new Set((ctx.storeDeviceIds ?? []).map((d) => d.trim()));
  const found: Identifier[] = [];
  const push = (kind: IdentifierKind, value: string | null) => {
    if (value !== null) found.push({ kind, value });
  };
  push("shopify", normalizeShopifyCustomerId(raw.shopifyCustomerId));
  push("email", normalizeEmail(raw.email, ctx.junk));
  push("marketplace", normalizeOpaque(raw.marketplaceId, junk));
  push("phone", normalizePhone(raw.phone, ctx.defaultCountry, ctx.junk));
  const device = normalizeOpaque(raw.deviceId, junk);
  push("device", device !== null && storeDevices.has(device) ? null : device);
  return found;
}

/**
 * What a search box holds, read as an identifier: an email, or a phone when it has five digits or more
 * ("+351 912 345 678" counts; "Ann" and "Flat 4" do not), normalized as identity resolution stores them.
 * Null means "search by name".
 */
export function searchedIdentifier(query: string, defaultCountry: string): string | null {
  const email = normalizeEmail(query, []);
  if (email) return email;
  return query.replace(/\D/g, "").length >= 5 ? normalizePhone(query, defaultCountry, []) : null;
}
