import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { predictNextOrder } from "./next-order";

const d = (s: string) => new Date(s);

describe("predictNextOrder", () => {
  it("adds the mean gap to the last order, whatever the input order", () => {
    // gaps 10 and 20 days → mean 15 → 15 days after Jan 31
    expect(predictNextOrder([d("2025-01-31T00:00:00Z"), d("2025-01-01T00:00:00Z"), d("2025-01-11T00:00:00Z")])).toEqual(
      d("2025-02-15T00:00:00Z"),
    );
    expect(predictNextOrder([d("2025-03-01T00:00:00Z"), d("2025-03-29T00:00:00Z")])).toEqual(d("2025-04-26T00:00:00Z"));
  });

  it("needs two orders", () => {
    expect(predictNextOrder([])).toBeNull();
    expect(predictNextOrder([d("2025-01-01T00:00:00Z")])).toBeNull();
    expect(predictNextOrder([d("2025-01-01T00:00:00Z"), new Date(Number.NaN)])).toBeNull();
  });

  it("property: after the last order, and at most one full span later", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4e12 }), { minLength: 2, maxLength: 50 }), (ts) => {
        const next = predictNextOrder(ts.map((t) => new Date(t)))!.getTime();
        const last = Math.max(...ts);
        expect(next).toBeGreaterThanOrEqual(last);
        expect(next - last).toBeLessThanOrEqual(last - Math.min(...ts) + 1);
      }),
    );
  });
});
