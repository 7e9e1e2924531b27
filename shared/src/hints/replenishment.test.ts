import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { replenishmentDue } from "./replenishment";

const DAY = 86_400_000;
const now = new Date("2025-06-30T12:00:00Z");
const ago = (days: number) => new Date(now.getTime() - days * DAY);

describe("replenishmentDue", () => {
  it("finds a product bought every 28 days, due in 3 days", () => {
    const purchases = [
      { productId: "beans", title: "Coffee beans", at: ago(81) },
      { productId: "beans", title: "Coffee beans", at: ago(53) },
      { productId: "beans", at: ago(25) },
      { productId: "mug", title: "Mug", at: ago(20) },
    ];
    expect(replenishmentDue(purchases, now)).toEqual([
      { productId: "beans", title: "Coffee beans", dueAt: new Date(now.getTime() + 3 * DAY), meanGapDays: 28 },
    ]);
  });

  it("includes overdue products and the horizon edge, excludes the rest", () => {
    const purchases = [
      { productId: "overdue", at: ago(40) },
      { productId: "overdue", at: ago(30) }, // due 20 days ago
      { productId: "in14", at: ago(14) },
      { productId: "in14", at: ago(0) }, // gap 14 → due in exactly 14 days
      { productId: "in15", at: ago(15) },
      { productId: "in15", at: ago(0) },
    ];
    expect(replenishmentDue(purchases, now).map((r) => r.productId)).toEqual(["overdue", "in14"]);
    expect(replenishmentDue(purchases, now, 15).map((r) => r.productId)).toEqual(["overdue", "in14", "in15"]);
  });

  it("counts two lines of one order as one purchase, keeps the latest title", () => {
    const t = ago(10);
    expect(
      replenishmentDue(
        [
          { productId: "x", at: t },
          { productId: "x", at: t },
        ],
        now,
      ),
    ).toEqual([]);
    const renamed = replenishmentDue(
      [
        { productId: "x", title: "New name", at: ago(10) },
        { productId: "x", title: "Old name", at: ago(20) },
      ],
      now,
    );
    expect(renamed[0]?.title).toBe("New name");
    expect(renamed[0]).toMatchObject({ meanGapDays: 10, dueAt: now });
  });

  it("property: every result was bought twice and is due by the horizon, soonest first", () => {
    const purchase = fc.record({
      productId: fc.constantFrom("a", "b", "c", "d"),
      at: fc.integer({ min: 0, max: 400 }).map((d) => ago(d)),
    });
    fc.assert(
      fc.property(fc.array(purchase, { maxLength: 30 }), fc.integer({ min: 0, max: 60 }), (ps, horizon) => {
        const due = replenishmentDue(ps, now, horizon);
        for (const r of due) {
          expect(
            new Set(ps.filter((p) => p.productId === r.productId).map((p) => p.at.getTime())).size,
          ).toBeGreaterThanOrEqual(2);
          expect(r.dueAt.getTime()).toBeLessThanOrEqual(now.getTime() + horizon * DAY);
          expect(r.meanGapDays).toBeGreaterThan(0);
        }
        for (let i = 1; i < due.length; i++)
          expect(due[i]!.dueAt.getTime()).toBeGreaterThanOrEqual(due[i - 1]!.dueAt.getTime());
      }),
    );
  });
});
