import { describe, expect, it } from "vitest";
import { refundMinorUnits, webhookOrderSchema, webhookRefundSchema } from "./webhooks";

const order = (over: Record<string, unknown> = {}) => ({
  id: 1,
  total_price: "110.00",
  currency: "USD",
  created_at: "2026-11-01T10:00:00Z",
  updated_at: "2026-11-01T10:00:00Z",
  line_items: [{ id: 11, title: "Linen Shirt", quantity: 1, price: "110.00" }],
  ...over,
});
const issues = (input: unknown) => {
  const result = webhookOrderSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("order money", () => {
  it("counts the shop's money and keeps what the customer paid beside it", () => {
    const parsed = webhookOrderSchema.parse(
      order({
        presentment_currency: "EUR",
        total_price_set: {
          shop_money: { amount: "110.00", currency_code: "USD" },
          presentment_money: { amount: "100.00", currency_code: "EUR" },
        },
      }),
    );
    expect(parsed.total).toEqual({ minor: 11000, currency: "USD" });
    expect(parsed.presentment).toEqual({ minor: 10000, currency: "EUR" });
    expect(parsed.line_prices).toEqual([11000]);
  });

  it("reads REST total_price in the shop currency when there is no total_price_set", () => {
    const parsed = webhookOrderSchema.parse(order({ total_price: "2500000000", currency: "VND", line_items: [] }));
    expect(parsed.total).toEqual({ minor: 2_500_000_000, currency: "VND" });
    expect(parsed.presentment).toBeNull();
  });

  it("refuses an unknown currency, naming the field", () => {
    expect(issues(order({ currency: "XYZ" }))).toEqual([
      "currency: must be an ISO 4217 currency code such as USD, EUR or VND",
    ]);
    const set = {
      shop_money: { amount: "1.00", currency_code: "USD" },
      presentment_money: { amount: "1", currency_code: "ABC" },
    };
    expect(issues(order({ total_price_set: set }))).toEqual([
      "total_price_set.presentment_money.currency_code: must be an ISO 4217 currency code such as USD, EUR or VND",
    ]);
  });

  it("refuses a negative total and more decimals than the currency has", () => {
    expect(issues(order({ total_price: "-5.00" }))).toEqual([
      "total_price: must be a decimal amount of 0 or more, such as 19.99",
    ]);
    expect(issues(order({ total_price: -5 }))).toEqual(["total_price: must be 0 or more"]);
    expect(issues(order({ total_price: "1500.5", currency: "JPY", line_items: [] }))).toEqual([
      "total_price: has 1 decimals; JPY has 0",
    ]);
    expect(issues(order({ line_items: [{ id: 11, title: "Shirt", quantity: 1, price: "1.001" }] }))).toEqual([
      "line_items.0.price: has 3 decimals; USD has 2",
    ]);
  });
});

describe("refundMinorUnits", () => {
  const refund = (transactions: unknown[]) =>
    webhookRefundSchema.parse({ id: 5, order_id: 1, created_at: "2026-11-02T10:00:00Z", transactions });

  it("adds successful refunds in the shop's currency, never another currency at face value", () => {
    const r = refund([
      { amount: "10.10", kind: "refund", status: "success" },
      { amount: "5.00", kind: "refund", status: "failure" },
      { amount: "99.00", kind: "refund", status: "success", currency: "EUR" },
      { amount: "0.20", kind: "refund", currency: "USD" },
    ]);
    expect(refundMinorUnits(r, "USD")).toBe(1030);
  });

  it("refuses a negative refund amount", () => {
    expect(() => refund([{ amount: "-1.00", kind: "refund" }])).toThrow(/0 or more/);
  });
});
