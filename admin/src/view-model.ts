/**
 * The admin's formatting and form rules, free of React and fetch so they are tested alone. Business rules
 * (lifecycle, tiers, the gate) stay in @c360/shared and the server; this file only shapes what they answer.
 */
import { LIFECYCLE_STAGE_ORDER, channelLabel, lifecycleStageLabel } from "@c360/shared/labels";
import {
  CHANNEL_MIX_LABELS,
  CHANNEL_MIXES as SHARED_CHANNEL_MIXES,
  type ChannelMix as SharedChannelMix,
} from "@c360/shared/profile/channel-mix";
import { isKnownTimeZone, isPhoneCountry, type ShopSettings } from "@c360/shared/settings";

export const LIFECYCLE_STAGES = LIFECYCLE_STAGE_ORDER;
export type LifecycleStage = (typeof LIFECYCLE_STAGE_ORDER)[number];
/** The customer list's channel filter; the dashboard's mix adds no orders yet and orders all refunded. */
export const CHANNEL_MIXES = ["online_only", "in_store_only", "omnichannel"] as const;
export const DASHBOARD_CHANNEL_MIXES = SHARED_CHANNEL_MIXES;
export type ChannelMix = SharedChannelMix;

/** The words of every surface (admin, register, tablet) come from one shared place. */
export const stageLabel = lifecycleStageLabel;
export const channelMixLabel = (mix: string) => CHANNEL_MIX_LABELS[mix as ChannelMix] ?? mix;

/** Polaris Badge tones by stage: the merchant's eye goes to at-risk and churned first. */
export function stageTone(stage: string): "success" | "info" | "attention" | "critical" | undefined {
  if (stage === "loyal" || stage === "converted") return "success";
  if (stage === "at_risk") return "attention";
  if (stage === "churned") return "critical";
  if (stage === "engaged") return "info";
  return undefined;
}

export function formatMoney(amount: number, currency = "USD", locale = "en-US"): string {
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}

/** A date as a merchant reads it, in the shop's time zone; "—" when there is none. */
export function formatDate(iso: string | null | undefined, timeZone = "UTC", withTime = false): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    day: "numeric",
    month: "short",
    year: "numeric",
    ...(withTime ? { hour: "2-digit", minute: "2-digit" } : {}),
  }).format(d);
}

export function fullName(
  p: { firstName?: string | null; lastName?: string | null },
  fallback = "Unnamed customer",
): string {
  const name = [p.firstName, p.lastName].filter((s) => s?.trim()).join(" ");
  return name || fallback;
}

export const churnBandLabel = (band: string | null | undefined) =>
  band == null
    ? "Not scored yet"
    : ((
        { healthy: "Healthy", drifting: "Drifting", at_risk: "At risk", likely_lost: "Likely lost" } as Record<
          string,
          string
        >
      )[band] ?? band);

export const percent = (x: number | null | undefined, digits = 0) =>
  x == null ? "—" : `${(x * 100).toFixed(digits)}%`;

/** Paging for a list answered as {total, limit, offset}. */
export function pageInfo(total: number, limit: number, offset: number) {
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  return {
    label: total === 0 ? "No customers" : `${from}–${to} of ${total}`,
    hasPrevious: offset > 0,
    hasNext: offset + limit < total,
    previousOffset: Math.max(0, offset - limit),
    nextOffset: offset + limit,
  };
}

/** What the customer list can be narrowed to; the dashboard's bars link to these. */
export interface CustomerFilters {
  query?: string;
  stage?: string;
  channelMix?: string;
  rfmR?: string;
  rfmF?: string;
  has?: string;
  consent?: string;
}
const FILTER_KEYS = ["stage", "channelMix", "rfmR", "rfmF", "has", "consent"] as const;

/** The filters a customer-list URL carries (`/admin/customers?stage=loyal`), unknown keys ignored. */
export function filtersFromSearch(search: string): CustomerFilters {
  const p = new URLSearchParams(search);
  const out: CustomerFilters = {};
  for (const k of [...FILTER_KEYS, "query"] as const) {
    const v = p.get(k);
    if (v) out[k] = v;
  }
  return out;
}

/** The customer list narrowed to `filters`, as a path the dashboard links to. */
export function customersPath(filters: CustomerFilters): string {
  return `/admin/customers${searchParams(filters)}`;
}

/** What a filter reads as above the list: "Stage: Loyal · RFM recency 5". */
export function describeFilters(f: CustomerFilters): string[] {
  const out: string[] = [];
  if (f.rfmR) out.push(`Recency score ${f.rfmR}`);
  if (f.rfmF) out.push(`Frequency score ${f.rfmF}`);
  if (f.has) out.push(`Has ${f.has === "email" ? "an email" : "a phone"}`);
  if (f.consent) out.push(`${channelLabel(f.consent)} opt-in`);
  return out;
}

/** The query string of a customer search; empty filters are left out so the server applies its defaults. */
export function searchParams(f: CustomerFilters & { limit?: number; offset?: number }): string {
  const p = new URLSearchParams();
  if (f.query?.trim()) p.set("query", f.query.trim());
  for (const k of FILTER_KEYS) if (f[k]) p.set(k, f[k]!);
  if (f.limit != null) p.set("limit", String(f.limit));
  if (f.offset) p.set("offset", String(f.offset));
  const s = p.toString();
  return s ? `?${s}` : "";
}

export interface Bar {
  key: string;
  label: string;
  value: number;
  /** 0-100, of the largest bar, so the longest bar fills the row. */
  width: number;
  /** 0-100, of the total. */
  share: number;
}

/**
 * Bars of a chart. With `of` (e.g. every profile, for coverage where one customer counts in several
 * bars) both width and share are of that whole; without it, width is of the longest bar and share of the sum.
 */
export function bars(entries: { key: string; label: string; value: number }[], of?: number): Bar[] {
  const max = of ?? Math.max(0, ...entries.map((e) => e.value));
  const total = of ?? entries.reduce((s, e) => s + e.value, 0);
  return entries.map((e) => ({
    ...e,
    width: max === 0 ? 0 : Math.round((e.value / max) * 1000) / 10,
    share: total === 0 ? 0 : Math.round((e.value / total) * 1000) / 10,
  }));
}

/** What a settings change did, in sentences (the server answers with `effects`). */
export function describeSettingsEffects(
  effects: { restaged?: number; stageChanged?: number; appliesToNewEvents?: string[] } | undefined,
): string[] {
  if (!effects) return [];
  const out: string[] = [];
  if (effects.restaged != null) {
    out.push(
      `Re-staged ${effects.restaged} ${effects.restaged === 1 ? "profile" : "profiles"}; ` +
        `${effects.stageChanged ?? 0} changed lifecycle stage.`,
    );
  }
  if (effects.appliesToNewEvents?.length)
    out.push(`Applies to new events from now on: ${effects.appliesToNewEvents.join(", ")}.`);
  return out.length ? out : ["Saved. Nothing needed recomputing."];
}

/** Erasure is irreversible: the merchant types this word before the button is enabled. */
export const ERASE_WORD = "ERASE";
export const eraseConfirmed = (typed: string) => typed.trim() === ERASE_WORD;

/** Flattens a counts document (any nesting) into labelled rows, e.g. {consents: 3, links: {email: 2}}. */
export function countRows(value: unknown, prefix = ""): { label: string; value: string }[] {
  if (value == null || typeof value !== "object") return prefix ? [{ label: prefix, value: String(value ?? "—") }] : [];
  if (Array.isArray(value)) return prefix ? [{ label: prefix, value: String(value.length) }] : [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    const label = prefix ? `${prefix} › ${humanize(k)}` : humanize(k);
    return v != null && typeof v === "object" && !Array.isArray(v)
      ? countRows(v, label)
      : [{ label, value: Array.isArray(v) ? String(v.length) : String(v ?? "—") }];
  });
}

export const humanize = (key: string) =>
  key
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/_/g, " ")
    .replace(/^./, (c) => c.toUpperCase());

/** Where the browser went when it followed a merged profile's 301: the profile id at the end of the URL. */
export function mergedTarget(requestedId: string, answeredId: string | undefined): string | null {
  return answeredId && answeredId !== requestedId ? answeredId : null;
}

// ---------------------------------------------------------------------------------------------------------
// Settings form: every field is a string while typed; the patch holds only sections that changed.

/** What the form edits: the shop's settings as the shared schema types them (loyalty without redemption). */
export type SettingsLike = Omit<ShopSettings, "currency" | "loyalty"> & {
  loyalty: Pick<ShopSettings["loyalty"], "pointsPerUnit" | "tiers">;
};

export const SETTINGS_NUMBER_FIELDS = [
  ["lifecycle.engagedWindowDays", "New: first seen within (days)"],
  ["lifecycle.engagementLookbackDays", "Engaged: look back (days)"],
  ["lifecycle.engagedMinVisits", "Engaged: at least visits"],
  ["lifecycle.atRiskDays", "At risk after (days without activity)"],
  ["lifecycle.churnedDays", "Churned after (days without activity)"],
  ["caps.globalDaily", "Daily cap, all channels"],
  ["caps.email", "Daily cap, email"],
  ["caps.sms", "Daily cap, SMS"],
  ["caps.whatsapp", "Daily cap, WhatsApp"],
  ["caps.push", "Daily cap, push"],
  ["fatigueThreshold", "Fatigue threshold (0-1)"],
  ["loyalty.pointsPerUnit", "Loyalty points per currency unit"],
  ["identityLimits.maxEmails", "Most emails per customer"],
  ["identityLimits.maxPhones", "Most phones per customer"],
  ["undoWindowDays", "Merge undo window (days)"],
] as const;
export type SettingsNumberField = (typeof SETTINGS_NUMBER_FIELDS)[number][0];
export type SettingsForm = Record<
  SettingsNumberField | "timeZone" | "defaultCountry" | "quietStart" | "quietEnd" | "tiers" | "junkIdentifiers",
  string
>;

function getPath(obj: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (o, k) => (o != null && typeof o === "object" ? (o as Record<string, unknown>)[k] : undefined),
      obj,
    );
}

export function settingsForm(s: SettingsLike): SettingsForm {
  const numbers = Object.fromEntries(SETTINGS_NUMBER_FIELDS.map(([path]) => [path, String(getPath(s, path) ?? "")]));
  return {
    ...(numbers as Record<SettingsNumberField, string>),
    timeZone: s.timeZone,
    defaultCountry: s.defaultCountry,
    quietStart: s.quietHours.start,
    quietEnd: s.quietHours.end,
    tiers: s.loyalty.tiers.map((t) => `${t.name}: ${t.minPoints}`).join("\n"),
    junkIdentifiers: s.junkIdentifiers.join("\n"),
  };
}

export function parseTiers(text: string): { tiers: { name: string; minPoints: number }[]; error: string | null } {
  const tiers: { name: string; minPoints: number }[] = [];
  for (const line of text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)) {
    const m = /^(.+?)\s*:\s*(\d+)$/.exec(line);
    if (!m) return { tiers, error: `"${line}" is not "Name: points"` };
    tiers.push({ name: m[1]!, minPoints: Number(m[2]) });
  }
  if (tiers.length === 0) return { tiers, error: "at least one tier is needed" };
  return { tiers: tiers.sort((a, b) => a.minPoints - b.minPoints), error: null };
}

/**
 * The PUT body for a settings form: only the sections that differ from the current settings (the server
 * merges a partial patch), or the field errors to show instead.
 */
export function settingsPatch(
  current: SettingsLike,
  form: SettingsForm,
): { patch: Record<string, unknown>; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const next = structuredClone(current) as unknown as Record<string, Record<string, unknown> | unknown>;
  for (const [path] of SETTINGS_NUMBER_FIELDS) {
    const raw = form[path].trim();
    const n = Number(raw);
    if (raw === "" || !Number.isFinite(n)) {
      errors[path] = "enter a number";
      continue;
    }
    const [section, key] = path.split(".") as [string, string | undefined];
    if (key) (next[section] as Record<string, unknown>)[key] = n;
    else next[section] = n;
  }
  next.timeZone = form.timeZone.trim();
  next.defaultCountry = form.defaultCountry.trim().toUpperCase();
  // The server's rules, checked here first so the merchant sees them beside the field before saving.
  if (!isKnownTimeZone(next.timeZone as string))
    errors.timeZone = "Time zone must be an IANA time zone such as Europe/Berlin";
  if (!/^[A-Z]{2}$/.test(next.defaultCountry as string)) errors.defaultCountry = "two letters, e.g. US";
  else if (!isPhoneCountry(next.defaultCountry as string))
    errors.defaultCountry = "Default country must be a two-letter country code such as US or DE";
  for (const k of ["quietStart", "quietEnd"] as const)
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(form[k].trim())) errors[k] = "use HH:MM, 24-hour";
  next.quietHours = { start: form.quietStart.trim(), end: form.quietEnd.trim() };
  const tiers = parseTiers(form.tiers);
  if (tiers.error) errors.tiers = tiers.error;
  (next.loyalty as Record<string, unknown>).tiers = tiers.tiers;
  next.junkIdentifiers = [
    ...new Set(
      form.junkIdentifiers
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean),
    ),
  ];
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(next)) {
    if (JSON.stringify(next[key]) !== JSON.stringify((current as unknown as Record<string, unknown>)[key]))
      patch[key] = next[key];
  }
  return { patch, errors };
}

/** Devices: a pairing code stays usable until it expires. */
export function expiresIn(expiresAt: string, now: Date): string {
  const ms = new Date(expiresAt).getTime() - now.getTime();
  if (ms <= 0) return "expired";
  const min = Math.floor(ms / 60_000);
  const sec = Math.floor((ms % 60_000) / 1000);
  return min > 0 ? `expires in ${min} min ${sec} s` : `expires in ${sec} s`;
}

// ---------------------------------------------------------------------------------------------------------
// Server refusals placed on the form, monthly series, the data inventory in words.

/** Where a settings path from the server's `fields` shows in the form (lists and quiet hours have their own inputs). */
export function formFieldOf(path: string | null): string | null {
  if (path === null) return null;
  if (path === "quietHours.start") return "quietStart";
  if (path === "quietHours.end") return "quietEnd";
  if (path.startsWith("loyalty.tiers")) return "tiers";
  if (path.startsWith("junkIdentifiers")) return "junkIdentifiers";
  return path;
}

/**
 * The server's per-field refusals as form errors; a refusal about no field the form shows (an unknown key)
 * is returned apart, for a banner.
 */
export function placeFieldErrors(fields: { field: string | null; message: string }[], formKeys: readonly string[]) {
  const errors: Record<string, string> = {};
  const unplaced: string[] = [];
  for (const f of fields) {
    const key = formFieldOf(f.field);
    if (key && formKeys.includes(key) && !errors[key]) errors[key] = f.message;
    else unplaced.push(f.message);
  }
  return { errors, unplaced };
}

/** "2026-03" → "Mar 2026". */
export function monthLabel(month: string): string {
  const [y, m] = month.split("-").map(Number);
  if (!y || !m) return month;
  return new Intl.DateTimeFormat("en-GB", { month: "short", year: "numeric", timeZone: "UTC" }).format(
    new Date(Date.UTC(y, m - 1, 1)),
  );
}

/**
 * Every month from the first with data (or `months` back from `asOf`) to `asOf`'s month, the ones with
 * nothing as zeros, so a chart's gaps read as quiet months instead of disappearing.
 */
export function monthSeries<T extends { month: string }>(
  rows: readonly T[],
  asOf: string,
  zero: Omit<T, "month">,
  months?: number,
): T[] {
  const end = asOf.slice(0, 7);
  const [ey, em] = end.split("-").map(Number) as [number, number];
  const index = (month: string) => {
    const [y, m] = month.split("-").map(Number) as [number, number];
    return y * 12 + (m - 1);
  };
  const last = ey * 12 + (em - 1);
  const first = months ? last - months + 1 : Math.min(last, ...rows.map((r) => index(r.month)));
  const byMonth = new Map(rows.map((r) => [r.month, r]));
  const out: T[] = [];
  for (let i = first; i <= last; i++) {
    const month = `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;
    out.push(byMonth.get(month) ?? ({ ...zero, month } as T));
  }
  return out;
}

/** The data inventory as a merchant reads it: sentences for keys, dates in the shop's time zone. */
export function inventoryRows(
  inv: {
    profiles: number;
    profilesWithEmail: number;
    profilesWithPhone: number;
    erasedProfiles: number;
    oldestRecordAt: string | null;
    dataRequests: number;
    erasedCustomersHeldBack: {
      webhooks: number;
      captures: number;
      sessions: number;
      backfillRows: number;
      lastAt: string | null;
    };
    retention: { policy: string; automaticDeletion: boolean; inactiveOver2Years: number };
  },
  timeZone = "UTC",
): { label: string; value: string }[] {
  const held = inv.erasedCustomersHeldBack;
  const heldBack = held.webhooks + held.captures + held.sessions + held.backfillRows;
  return [
    { label: "Customers on file", value: String(inv.profiles) },
    { label: "With an email address", value: String(inv.profilesWithEmail) },
    { label: "With a phone number", value: String(inv.profilesWithPhone) },
    { label: "Erased customers (anonymous rows kept for totals)", value: String(inv.erasedProfiles) },
    { label: "Oldest record", value: formatDate(inv.oldestRecordAt, timeZone) },
    { label: "Data requests answered", value: String(inv.dataRequests) },
    {
      label: "Late data about erased customers kept out",
      value: held.lastAt ? `${heldBack} (last ${formatDate(held.lastAt, timeZone)})` : String(heldBack),
    },
    { label: "Inactive for over 2 years", value: String(inv.retention.inactiveOver2Years) },
    {
      label: "Retention",
      value:
        `${inv.retention.policy[0]?.toUpperCase() ?? ""}${inv.retention.policy.slice(1)}; ` +
        (inv.retention.automaticDeletion ? "deleted automatically" : "no automatic deletion"),
    },
  ];
}
