import { normalizeEmail, normalizePhone } from "@c360/shared/identity/normalize";
import type { CompanionDb, LocalCustomer } from "./db";
import type { CaptureInput } from "./outbox";

export interface CaptureFields {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  birthday: string;
}

export type FieldErrors = Partial<Record<keyof CaptureFields, string>>;

/** The tablet's own region from its language tag ("en-GB" → "GB"); only a guess, the shop may be elsewhere. */
export function localeCountry(language: string | undefined): string {
  return /-([A-Z]{2})\b/.exec(language ?? "")?.[1] ?? "US";
}

/**
 * The country national phone numbers are read in: the shop's, as the pairing answered it, so the tablet
 * normalises as the server does. Tablets paired before the answer carried it fall back to their own region.
 */
export function phoneCountry(
  device: { defaultCountry?: string | undefined } | null | undefined,
  language: string | undefined,
): string {
  return device?.defaultCountry?.toUpperCase() || localeCountry(language);
}

/** The same normalisation the server applies, so what staff see saved is what the server will match on. */
export function validateCapture(
  fields: CaptureFields,
  ctx: { defaultCountry: string; today: string },
): { input: CaptureInput; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const email = fields.email.trim() ? normalizeEmail(fields.email, []) : null;
  const phone = fields.phone.trim() ? normalizePhone(fields.phone, ctx.defaultCountry, []) : null;
  if (fields.email.trim() && !email)
    errors.email = "This email address does not look right; check for typos (for example a missing .com).";
  if (fields.phone.trim() && !phone)
    errors.phone = `This phone number is not valid; include the country code if it is not from ${ctx.defaultCountry}.`;
  if (!fields.firstName.trim() && !fields.lastName.trim())
    errors.firstName = "Enter the customer's first or last name.";
  if (!fields.email.trim() && !fields.phone.trim())
    errors.email = "Enter an email or a phone number so the customer can be recognised later.";
  const birthday = fields.birthday.trim() || null;
  if (birthday && (!/^\d{4}-\d{2}-\d{2}$/.test(birthday) || birthday > ctx.today))
    errors.birthday = "Enter a birthday in the past.";
  return {
    input: {
      firstName: fields.firstName.trim() || null,
      lastName: fields.lastName.trim() || null,
      email,
      phone,
      birthday,
    },
    errors,
  };
}

/** Customers on this tablet who already have this email or phone: staff are warned before a duplicate is saved. */
export async function findDuplicates(
  db: CompanionDb,
  input: Pick<CaptureInput, "email" | "phone">,
): Promise<LocalCustomer[]> {
  const found = new Map<string, LocalCustomer>();
  if (input.email) for (const c of await db.customers.where("terms").equals(input.email).toArray()) found.set(c.id, c);
  if (input.phone) {
    const digits = input.phone.replace(/\D/g, "");
    for (const c of await db.customers.where("terms").equals(digits).toArray())
      if (c.phones.includes(input.phone)) found.set(c.id, c);
  }
  return [...found.values()];
}
