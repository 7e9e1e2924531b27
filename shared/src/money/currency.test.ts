import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isCurrencyCode, minorUnitsOf, toMajorUnits, toMinorUnits } from "./currency";

describe("isCurrencyCode", () => {
  it("knows ISO 4217 currencies and refuses made-up codes and non-currencies", () => {
    for (const code of ["USD", "EUR", "VND", "IDR", "JPY", "KWD", "BHD"]) expect(isCurrencyCode(code)).toBe(true);
    // XXX "no currency", XTS "testing", gold and the Chilean accounting unit CLF are in ISO but are not money
    // a shop takes.
    for (const code of ["XYZ", "usd", "US", "XXX", "XTS", "XAU", "CLF", ""]) expect(isCurrencyCode(code)).toBe(false);
  });
});

describe("minorUnitsOf", () => {
  it("follows ISO 4217, not display habits", () => {
    expect([minorUnitsOf("USD"), minorUnitsOf("JPY"), minorUnitsOf("VND"), minorUnitsOf("KWD")]).toEqual([2, 0, 0, 3]);
    // ISO gives the rupiah 2 decimals even though prices are shown without them.
    expect(minorUnitsOf("IDR")).toBe(2);
    expect(minorUnitsOf("BHD")).toBe(3);
    expect(() => minorUnitsOf("XYZ")).toThrow(/XYZ/);
  });
});

describe("toMinorUnits", () => {
  it("converts exactly, digit by digit", () => {
    expect(toMinorUnits("19.99", "USD")).toEqual({ ok: true, minor: 1999 });
    expect(toMinorUnits("0.1", "USD")).toEqual({ ok: true, minor: 10 });
    expect(toMinorUnits(19.99, "USD")).toEqual({ ok: true, minor: 1999 });
    expect(toMinorUnits("2500000000.00", "VND")).toEqual({ ok: true, minor: 2_500_000_000 });
    expect(toMinorUnits("2500000000", "IDR")).toEqual({ ok: true, minor: 250_000_000_000 });
    expect(toMinorUnits("1.005", "KWD")).toEqual({ ok: true, minor: 1005 });
    expect(toMinorUnits("1500.00", "JPY")).toEqual({ ok: true, minor: 1500 });
    expect(toMinorUnits("0", "EUR")).toEqual({ ok: true, minor: 0 });
  });

  it("refuses negative, malformed, over-precise and unsafe amounts, saying why", () => {
    expect(toMinorUnits("-5.00", "USD")).toMatchObject({ ok: false, message: expect.stringMatching(/0 or more/) });
    expect(toMinorUnits(-5, "USD")).toMatchObject({ ok: false });
    expect(toMinorUnits("1e3", "USD")).toMatchObject({ ok: false });
    expect(toMinorUnits("abc", "USD")).toMatchObject({ ok: false });
    expect(toMinorUnits(Number.NaN, "USD")).toMatchObject({ ok: false });
    expect(toMinorUnits("19.999", "USD")).toMatchObject({ ok: false, message: "has 3 decimals; USD has 2" });
    expect(toMinorUnits("1500.5", "JPY")).toMatchObject({ ok: false, message: "has 1 decimals; JPY has 0" });
    const pastSafe = toMinorUnits("90071992547409.92", "USD");
    expect(pastSafe).toMatchObject({ ok: false, message: expect.stringMatching(/larger/) });
    expect(toMinorUnits("90071992547409.91", "USD")).toEqual({ ok: true, minor: Number.MAX_SAFE_INTEGER });
    expect(toMinorUnits("1.00", "XYZ")).toMatchObject({ ok: false, message: "XYZ is not an ISO 4217 currency" });
  });

  it("round-trips any whole number of cents through its decimal text", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (cents) => {
        const text = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
        expect(toMinorUnits(text, "USD")).toEqual({ ok: true, minor: cents });
      }),
    );
  });
});

describe("toMajorUnits", () => {
  it("divides by the currency's minor units", () => {
    expect(toMajorUnits(1999, "USD")).toBe(19.99);
    expect(toMajorUnits(2_500_000_000, "VND")).toBe(2_500_000_000);
    expect(toMajorUnits(1005, "KWD")).toBe(1.005);
  });
});
