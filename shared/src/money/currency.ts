import currencyCodes from "currency-codes";

/**
 * Money rules (SPEC "Loyalty": money is kept in the shop's currency, ISO 4217 with its minor units, in types
 * that cannot overflow). Amounts are whole minor units (cents, yen, fils) as JS numbers: every amount that
 * passes `toMinorUnits` is a safe integer (at most 2^53 - 1, ~90 trillion USD or ~360 billion USD in VND), so
 * sums stay exact, and PostgreSQL keeps them in bigint.
 */

// A code is a currency when ISO 4217 lists it (its minor units come from there, not from a table of ours) and
// the runtime's Intl knows it as money: that drops ISO's non-currencies (XXX "no currency", XTS "testing",
// XAU gold, bond units) and accounting units such as CLF, which no shop sells in.
const intlCurrencies = new Set(Intl.supportedValuesOf("currency"));
const isoMinorUnits = new Map<string, number>(
  currencyCodes.data.filter((c) => intlCurrencies.has(c.code)).map((c) => [c.code, c.digits]),
);

/** Whether `code` is an ISO 4217 currency a shop can trade in (upper case, e.g. "EUR"). */
export function isCurrencyCode(code: string): boolean {
  return isoMinorUnits.has(code);
}

/** Digits after the decimal point in ISO 4217 (USD 2, JPY 0, VND 0, IDR 2, KWD 3); throws for a non-currency. */
export function minorUnitsOf(currency: string): number {
  const digits = isoMinorUnits.get(currency);
  if (digits === undefined) throw new Error(`${currency} is not an ISO 4217 currency`);
  return digits;
}

export type MinorUnitsResult = { ok: true; minor: number } | { ok: false; message: string };

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * A decimal amount as sent by Shopify ("2500000000.00", "19.99", 12) in whole minor units of `currency`,
 * converted digit by digit so no binary rounding creeps in. Refused: negative or non-decimal text, more
 * significant decimals than the currency has (19.999 USD; trailing zeros such as "1500.00" JPY are fine),
 * and amounts past 2^53 - 1 minor units, which JS could not add exactly.
 */
export function toMinorUnits(amount: string | number, currency: string): MinorUnitsResult {
  if (!isCurrencyCode(currency)) return { ok: false, message: `${currency} is not an ISO 4217 currency` };
  const text = typeof amount === "number" ? numberText(amount) : amount.trim();
  const match = text === null ? null : DECIMAL.exec(text);
  if (!match) return { ok: false, message: "must be a decimal amount of 0 or more, such as 19.99" };
  const digits = minorUnitsOf(currency);
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  if (fraction.length > digits) {
    return { ok: false, message: `has ${fraction.length} decimals; ${currency} has ${digits}` };
  }
  const minor = BigInt(match[1]!) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, "0") || "0");
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) {
    return { ok: false, message: `is larger than any order can be (${Number.MAX_SAFE_INTEGER} minor units)` };
  }
  return { ok: true, minor: Number(minor) };
}

// JSON numbers arrive as doubles; their shortest decimal text is what the sender wrote (19.99 → "19.99").
const numberText = (n: number): string | null => {
  if (!Number.isFinite(n) || n < 0) return null;
  const text = String(n);
  return /e/i.test(text) ? null : text;
};

/** Minor units back to the currency's main unit for display and rates (199 USD cents → 1.99). */
export function toMajorUnits(minor: number, currency: string): number {
  return minor / 10 ** minorUnitsOf(currency);
}
