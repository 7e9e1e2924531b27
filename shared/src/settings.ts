import { getCountries, isSupportedCountry } from "libphonenumber-js";
import { z } from "zod";
import { currencyCodeSchema } from "./wire/money";

export const CHANNELS = ["email", "sms", "whatsapp", "push"] as const;
export const channelSchema = z.enum(CHANNELS);
export type Channel = z.infer<typeof channelSchema>;

/** A time zone the runtime's Intl knows: every send-time rule (quiet hours, the customer's day) reads it. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Every country a phone number can be read in (libphonenumber's list): the settings form offers these. */
export const phoneCountries = (): string[] => [...getCountries()].sort();

/** A country code the default-country setting accepts. */
export const isPhoneCountry = (code: string): boolean => isSupportedCountry(code);

const timeZoneSchema = z.string().min(1).refine(isKnownTimeZone, "must be an IANA time zone such as Europe/Berlin");
/** Phone numbers without a country code are read in this country, so it must be one libphonenumber knows. */
const countrySchema = z
  .string()
  .refine((code) => isSupportedCountry(code), "must be a two-letter country code such as US or DE");

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "use HH:MM, 24-hour");

/** A lifecycle window in days, up to ten years. */
const windowDays = (fallback: number) => z.number().int().min(1).max(3650).default(fallback);
/** Messages a customer may get in one day, on one channel or in all. */
const dailyCap = (fallback: number) => z.number().int().min(0).max(100).default(fallback);

const tierSchema = z.object({ name: z.string().min(1).max(40), minPoints: z.number().int().min(0) });

/**
 * Every per-shop rule with its SPEC.md default; a shop row stores only what it overrides. Each default is
 * written once, on its field: a missing group is `prefault({})`, which zod parses so the fields fill in.
 */
export const shopSettingsSchema = z
  .object({
    timeZone: timeZoneSchema.default("UTC"),
    defaultCountry: countrySchema.default("US"),
    /** The shop's currency: spend, points and discounts are all counted in it. */
    currency: currencyCodeSchema.default("USD"),
    lifecycle: z
      .object({
        engagedWindowDays: windowDays(14),
        engagementLookbackDays: windowDays(30),
        engagedMinVisits: z.number().int().min(1).max(1000).default(3),
        atRiskDays: windowDays(30),
        churnedDays: windowDays(90),
      })
      .refine((l) => l.churnedDays > l.atRiskDays, "churnedDays must be longer than atRiskDays")
      .prefault({}),
    identityLimits: z
      .object({
        maxShopifyIds: z.number().int().min(1).max(1).default(1),
        maxEmails: z.number().int().min(1).max(50).default(5),
        maxPhones: z.number().int().min(1).max(50).default(3),
      })
      .prefault({}),
    undoWindowDays: z.number().int().min(0).max(90).default(7),
    junkIdentifiers: z
      .array(z.string().min(1).max(200))
      .max(500)
      .default([
        "n/a",
        "na",
        "none",
        "null",
        "unknown",
        "test@test.com",
        "noemail@",
        "no@email.com",
        "0000000000",
        "1234567890",
      ]),
    caps: z
      .object({
        globalDaily: dailyCap(3),
        email: dailyCap(5),
        sms: dailyCap(1),
        whatsapp: dailyCap(2),
        push: dailyCap(3),
      })
      .prefault({}),
    fatigueThreshold: z.number().min(0).max(1).default(0.7),
    quietHours: z.object({ start: hhmm.default("21:00"), end: hhmm.default("09:00") }).prefault({}),
    loyalty: z
      .object({
        pointsPerUnit: z.number().min(0).max(1000).default(1),
        tiers: z
          .array(tierSchema)
          .min(1)
          .default([
            { name: "Bronze", minPoints: 0 },
            { name: "Silver", minPoints: 500 },
            { name: "Gold", minPoints: 1500 },
          ]),
        /** Redemption at the register: `pointsPerUnit` points buy 1.00 of the shop's currency (SPEC: 100). */
        redemption: z
          .object({
            pointsPerUnit: z.number().int("use a whole number of points").min(1).max(1_000_000).default(100),
            minimumPoints: z.number().int("use a whole number of points").min(1).max(1_000_000).default(100),
          })
          .prefault({}),
      })
      .prefault({}),
  })
  .strict();

export type ShopSettings = z.output<typeof shopSettingsSchema>;
export type ShopSettingsInput = z.input<typeof shopSettingsSchema>;

export const defaultShopSettings = (): ShopSettings => shopSettingsSchema.parse({});
