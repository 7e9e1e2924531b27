/**
 * Settings refusals in the merchant's words, placed on the field they are about: "At-risk must be at
 * least 1 day", not "lifecycle.atRiskDays: Too small: expected number to be >=1". The server answers
 * these as `fields` beside its message; the admin's form shows each under its input.
 */

/** What a settings field is called and what it counts (a unit with its singular and plural). */
interface FieldWords {
  name: string;
  unit?: [string, string];
}

const DAYS: [string, string] = ["day", "days"];
const MESSAGES: [string, string] = ["message", "messages"];

export const SETTINGS_FIELD_WORDS: Record<string, FieldWords> = {
  timeZone: { name: "Time zone" },
  defaultCountry: { name: "Default country" },
  currency: { name: "Currency" },
  "lifecycle.engagedWindowDays": { name: "The new-customer window", unit: DAYS },
  "lifecycle.engagementLookbackDays": { name: "The engagement look-back", unit: DAYS },
  "lifecycle.engagedMinVisits": { name: "Visits to count as engaged", unit: ["visit", "visits"] },
  "lifecycle.atRiskDays": { name: "At-risk", unit: DAYS },
  "lifecycle.churnedDays": { name: "Churned", unit: DAYS },
  "identityLimits.maxShopifyIds": { name: "Shopify IDs per customer" },
  "identityLimits.maxEmails": { name: "Emails per customer" },
  "identityLimits.maxPhones": { name: "Phones per customer" },
  undoWindowDays: { name: "The merge undo window", unit: DAYS },
  junkIdentifiers: { name: "Each junk identifier" },
  "caps.globalDaily": { name: "The daily cap across channels", unit: MESSAGES },
  "caps.email": { name: "The daily email cap", unit: MESSAGES },
  "caps.sms": { name: "The daily SMS cap", unit: MESSAGES },
  "caps.whatsapp": { name: "The daily WhatsApp cap", unit: MESSAGES },
  "caps.push": { name: "The daily push cap", unit: MESSAGES },
  fatigueThreshold: { name: "The fatigue threshold" },
  "quietHours.start": { name: "Quiet hours start" },
  "quietHours.end": { name: "Quiet hours end" },
  "loyalty.pointsPerUnit": { name: "Points per currency unit", unit: ["point", "points"] },
  "loyalty.tiers": { name: "Loyalty tiers" },
  "loyalty.redemption.pointsPerUnit": { name: "Points per 1.00 of discount", unit: ["point", "points"] },
  "loyalty.redemption.minimumPoints": { name: "The smallest redemption", unit: ["point", "points"] },
};

/** The parts of a zod issue this reads; zod's own type is not imported so this file stays free of it. */
export interface SettingsIssue {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  origin?: string;
  expected?: string;
  keys?: readonly string[];
}

/** One refusal: the settings path it is about (`null` for the whole document) and a sentence. */
export interface SettingsFieldError {
  field: string | null;
  message: string;
}

const count = (n: number | bigint, unit?: [string, string]) =>
  unit ? `${n} ${Number(n) === 1 ? unit[0] : unit[1]}` : String(n);

/**
 * The field an issue belongs to: list positions fold into their list (a bad tier is the tiers field),
 * and the cross-field lifecycle rule is shown on the churned field, the one the merchant reads it beside.
 */
function fieldOf(issue: SettingsIssue): string | null {
  const keys = issue.path.filter((k): k is string => typeof k === "string");
  const indexAt = issue.path.findIndex((k) => typeof k === "number");
  const path = (indexAt >= 0 ? keys.slice(0, indexAt) : keys).join(".");
  if (path === "lifecycle" && issue.code === "custom") return "lifecycle.churnedDays";
  return path || null;
}

function sentence(field: string | null, issue: SettingsIssue): string {
  const words = field ? SETTINGS_FIELD_WORDS[field] : undefined;
  const name = words?.name ?? field ?? "Settings";
  if (issue.code === "unrecognized_keys")
    return `${(issue.keys ?? []).join(", ")} ${issue.keys?.length === 1 ? "is" : "are"} not a setting`;
  if (field === "lifecycle.churnedDays" && issue.code === "custom") return "Churned must be longer than at-risk";
  if (issue.code === "too_small" && issue.origin === "string") return `${name} cannot be empty`;
  if (issue.code === "too_small" && issue.origin === "array") return `${name} needs at least ${issue.minimum}`;
  if (issue.code === "too_big" && issue.origin === "array") return `${name}: at most ${issue.maximum}`;
  if (issue.code === "too_big" && issue.origin === "string")
    return `${name} is longer than ${issue.maximum} characters`;
  if (issue.code === "too_small" && issue.minimum !== undefined)
    return `${name} must be at least ${count(issue.minimum, words?.unit)}`;
  if (issue.code === "too_big" && issue.maximum !== undefined)
    return `${name} must be at most ${count(issue.maximum, words?.unit)}`;
  if (issue.code === "invalid_type" && (issue.expected === "int" || issue.expected === "number")) {
    return `${name} must be a ${issue.expected === "int" ? "whole number" : "number"}`;
  }
  if (issue.code === "invalid_type")
    return `${name} must be ${issue.expected === "array" ? "a list" : `a ${issue.expected ?? "value"}`}`;
  // Our own refinements already speak in words ("must be an IANA time zone such as Europe/Berlin").
  const own = issue.message.replace(/^[A-Z]/, (c) => c.toLowerCase());
  return own.startsWith("must ") ? `${name} ${own}` : `${name}: ${own}`;
}

/** Every issue as a field and a sentence; one sentence per field (the first), as a form shows one. */
export function settingsFieldErrors(issues: readonly SettingsIssue[]): SettingsFieldError[] {
  const seen = new Set<string>();
  const out: SettingsFieldError[] = [];
  for (const issue of issues) {
    const field = fieldOf(issue);
    const key = field ?? `:${issue.code}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ field, message: sentence(field, issue) });
  }
  return out;
}
