import { z } from "zod";
import { isCurrencyCode, toMinorUnits } from "../money/currency";

/** An ISO 4217 code (see `isCurrencyCode`); anything else is refused with the field named. */
export const currencyCodeSchema = z
  .string()
  .refine(isCurrencyCode, { message: "must be an ISO 4217 currency code such as USD, EUR or VND" });

/**
 * A decimal amount as Shopify sends it (string or number), kept as sent: how many decimals it may have
 * depends on its currency, so it becomes minor units where the currency is known (`minorUnitsOrIssue`).
 */
export const decimalAmountSchema = z.union([
  z.string().regex(/^\d+(\.\d+)?$/, "must be a decimal amount of 0 or more, such as 19.99"),
  z.number().nonnegative("must be 0 or more").finite(),
]);

const moneySchema = z.object({ amount: decimalAmountSchema, currency_code: currencyCodeSchema }).loose();

/** Shopify's `*_set` pair: the amount in the shop's currency and in the currency the customer paid in. */
export const moneySetSchema = z.object({ shop_money: moneySchema, presentment_money: moneySchema.nullish() }).loose();

/** An amount in whole minor units of its currency (cents for USD, dong for VND). */
export interface Money {
  minor: number;
  currency: string;
}

/**
 * `amount` in minor units of `currency`, or a zod issue at `path` saying what is wrong (too many decimals
 * for the currency, or too large to add exactly) and `null`.
 */
export function minorUnitsOrIssue(
  amount: string | number,
  currency: string,
  path: (string | number)[],
  ctx: z.RefinementCtx,
): number | null {
  const result = toMinorUnits(amount, currency);
  if (result.ok) return result.minor;
  ctx.addIssue({ code: "custom", path, message: result.message, input: amount });
  return null;
}
