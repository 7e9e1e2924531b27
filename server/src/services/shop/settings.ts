import { settingsFieldErrors, shopSettingsSchema, type SettingsFieldError, type ShopSettings } from "@c360/shared";
import { sql } from "drizzle-orm";
import type { Queryable } from "../../db/client";
import { jsonOf, queryRows, type RawRow } from "../../db/rows";
import type * as tables from "../../db/schema";
import { HttpError, zodIssues } from "../../http/errors";
import { restageShop } from "../../jobs/whole-shop-recompute";
import type { ShopContext } from "./shop";

type Overrides = Record<string, unknown>;

/**
 * Settings that do not parse: the usual 400 with its message and issues, plus `fields` (a settings path
 * and a sentence each) so the admin can show every refusal under the input it is about.
 */
export class SettingsRefused extends HttpError {
  constructor(message: string, issues: string[], fields: SettingsFieldError[]) {
    super(400, "invalid_input", message, issues, fields);
  }
}
const isPlainObject = (v: unknown): v is Overrides => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A patch merged over the stored overrides: objects merge key by key, anything
 * else replaces, `null` removes an override.
 */
export function mergeOverrides(stored: Overrides, patch: Overrides): Overrides {
  const out: Overrides = { ...stored };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key])) out[key] = mergeOverrides(out[key] as Overrides, value);
    else out[key] = value;
  }
  return out;
}

export async function storedOverrides(q: Queryable, shopId: string): Promise<Overrides> {
  const [row] = await queryRows<RawRow<typeof tables.shops, "settings">>(
    q,
    sql`SELECT settings FROM shops WHERE shop_id = ${shopId}`,
  );
  const value = jsonOf(row?.settings);
  return isPlainObject(value) ? value : {};
}

const sameLifecycle = (a: ShopSettings["lifecycle"], b: ShopSettings["lifecycle"]) =>
  JSON.stringify(a) === JSON.stringify(b);

/**
 * Applies a partial settings change inside the caller's transaction (shop lock held). Validated as a
 * whole after merging, so a patch can never leave the shop with settings that do not parse. A changed
 * lifecycle window re-stages the whole shop in the same transaction.
 */
export async function updateSettings(q: Queryable, shop: ShopContext, patch: Overrides, now: Date) {
  const overrides = mergeOverrides(await storedOverrides(q, shop.shopId), patch);
  const parsed = shopSettingsSchema.safeParse(overrides);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    const message = `settings is not valid: ${issues.slice(0, 5).join("; ")}`;
    throw new SettingsRefused(message, issues, settingsFieldErrors(parsed.error.issues));
  }
  const settings = parsed.data;
  await q.execute(sql`UPDATE shops SET settings = ${JSON.stringify(overrides)}::jsonb WHERE shop_id = ${shop.shopId}`);
  const effects: { restaged?: number; stageChanged?: number; appliesToNewEvents?: string[] } = {};
  if (!sameLifecycle(shop.settings.lifecycle, settings.lifecycle)) {
    const { profiles, changed } = await restageShop(q, { shopId: shop.shopId, settings }, now);
    effects.restaged = profiles;
    effects.stageChanged = changed;
  }
  const forward = (["identityLimits", "junkIdentifiers", "defaultCountry", "undoWindowDays"] as const).filter(
    (k) => JSON.stringify(shop.settings[k]) !== JSON.stringify(settings[k]),
  );
  if (forward.length > 0) effects.appliesToNewEvents = forward;
  return { settings, overrides, effects };
}
