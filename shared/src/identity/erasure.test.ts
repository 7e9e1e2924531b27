import { describe, expect, it } from "vitest";
import { erasureVerdict } from "./erasure";

const erasedAt = new Date("2026-11-25T12:00:00Z");
const before = new Date("2026-11-24T09:00:00Z");
const after = new Date("2026-11-26T09:00:00Z");

describe("erasureVerdict", () => {
  it("keeps what names no erased identifier", () => {
    expect(erasureVerdict("order", before, [])).toEqual({ keep: true });
  });

  it("keeps out whatever was made before the erase of an identifier it names", () => {
    for (const kind of ["order", "customer", "capture", "backfill"] as const) {
      const verdict = erasureVerdict(kind, before, [{ kind: "email", erasedAt }]);
      expect(verdict.keep).toBe(false);
    }
    expect(erasureVerdict("capture", before, [{ kind: "phone", erasedAt }])).toEqual({
      keep: false,
      reason: "a sign-up at the store made 2026-11-24T09:00:00.000Z names a customer erased 2026-11-25T12:00:00.000Z",
    });
  });

  it("counts the erase instant itself as before (an event stamped at the erase was already known to it)", () => {
    expect(erasureVerdict("customer", erasedAt, [{ kind: "shopify", erasedAt }]).keep).toBe(false);
  });

  it("lets a new interaction after the erase create a new profile", () => {
    expect(erasureVerdict("order", after, [{ kind: "email", erasedAt }])).toEqual({ keep: true });
    expect(erasureVerdict("capture", after, [{ kind: "phone", erasedAt }, { kind: "email", erasedAt }])).toEqual({ keep: true });
  });

  it("keeps an erased order anonymous even when it is updated after the erase", () => {
    expect(erasureVerdict("order", after, [{ kind: "order", erasedAt }]).keep).toBe(false);
  });

  it("judges by the latest erase among the identifiers named (erased again after coming back)", () => {
    const second = new Date("2026-12-10T00:00:00Z");
    const between = new Date("2026-12-01T00:00:00Z");
    expect(erasureVerdict("order", between, [{ kind: "email", erasedAt }, { kind: "phone", erasedAt: second }]).keep).toBe(false);
    expect(erasureVerdict("order", between, [{ kind: "email", erasedAt }]).keep).toBe(true);
  });
});
