import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { quintileBreaks, quintileScore, recencyScore, rfmScores } from "./rfm";

describe("recencyScore", () => {
  it("scores each band, edges inclusive", () => {
    expect([0, 30, 30.5, 60, 61, 120, 121, 240, 241, 5000].map(recencyScore)).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
    expect(recencyScore(null)).toBe(1);
  });

  it("property: never improves as time passes", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1000, noNaN: true }),
        fc.double({ min: 0, max: 1000, noNaN: true }),
        (a, b) => {
          expect(recencyScore(Math.max(a, b))).toBeLessThanOrEqual(recencyScore(Math.min(a, b)));
        },
      ),
    );
  });
});

describe("quintileBreaks (PostgreSQL percentile_cont)", () => {
  // Expected values are PostgreSQL's own output, bit for bit (PGlite 0.5.16):
  // SELECT percentile_cont(ARRAY[0.2,0.4,0.6,0.8]) WITHIN GROUP (ORDER BY v) FROM unnest($1::float8[]) v
  it("matches percentile_cont exactly", () => {
    // 1..10: positions p·(n−1) = 1.8, 3.6, 5.4, 7.2
    expect(quintileBreaks([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])).toEqual([2.8, 4.6, 6.3999999999999995, 8.2]);
    expect(quintileBreaks([1, 2, 3, 4, 5])).toEqual([1.8, 2.6, 3.4, 4.2]);
    expect(quintileBreaks([100, 0])).toEqual([20, 40, 60, 80]);
    expect(quintileBreaks([7])).toEqual([7, 7, 7, 7]);
    expect(quintileBreaks([1, 3])).toEqual([1.4, 1.8, 2.2, 2.6]);
  });

  it("ignores non-finite values the way SQL ignores NULL; no values, no breaks", () => {
    expect(quintileBreaks([1, Number.NaN, 3, Number.POSITIVE_INFINITY])).toEqual([1.4, 1.8, 2.2, 2.6]);
    expect(quintileBreaks([])).toEqual([]);
  });

  it("property: four ascending breaks within the range of the values", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1 }), (values) => {
        const b = quintileBreaks(values);
        expect(b).toHaveLength(4);
        for (let i = 1; i < 4; i++) expect(b[i]!).toBeGreaterThanOrEqual(b[i - 1]!);
        expect(b[0]!).toBeGreaterThanOrEqual(Math.min(...values));
        expect(b[3]!).toBeLessThanOrEqual(Math.max(...values));
      }),
    );
  });
});

describe("quintileScore", () => {
  it("5 = top 20%, a value on a break stays below it", () => {
    const b = quintileBreaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((v) => quintileScore(v, b))).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(quintileScore(1, [1, 1, 1, 2])).toBe(1);
    expect(quintileScore(2, [1, 1, 1, 2])).toBe(4);
    expect(quintileScore(3, [1, 1, 1, 2])).toBe(5);
    expect(quintileScore(42, [])).toBe(1);
  });

  it("property: about a fifth of distinct values land in each score", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 20, maxLength: 200 }), (values) => {
        const b = quintileBreaks(values);
        const top = values.filter((v) => quintileScore(v, b) === 5).length;
        expect(Math.abs(top - values.length / 5)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("property: monotone in the value", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e4, noNaN: true })),
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        (values, x, y) => {
          const b = quintileBreaks(values);
          expect(quintileScore(Math.max(x, y), b)).toBeGreaterThanOrEqual(quintileScore(Math.min(x, y), b));
        },
      ),
    );
  });
});

describe("rfmScores", () => {
  it("combines recency bands with the shop's quintiles", () => {
    const breaks = { frequency: [1, 1, 2, 4], monetary: [20, 35, 50, 80] };
    expect(rfmScores({ daysSinceLastOrder: 45, orderCount: 5, averageOrderValue: 40 }, breaks)).toEqual({
      r: 4,
      f: 5,
      m: 3,
    });
    expect(rfmScores({ daysSinceLastOrder: null, orderCount: 0, averageOrderValue: 0 }, breaks)).toEqual({
      r: 1,
      f: 1,
      m: 1,
    });
  });
});
