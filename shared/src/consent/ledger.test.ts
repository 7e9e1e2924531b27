import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { CHANNELS } from "../settings";
import { MAX_CLOCK_SKEW_MS, currentConsentState, effectiveActedAt, type ConsentEntry } from "./ledger";

const t = (iso: string) => new Date(iso);
let seq = 0;
const entry = (over: Partial<ConsentEntry> & Pick<ConsentEntry, "channel" | "action" | "actedAt">): ConsentEntry => ({
  id: `e${++seq}`,
  receivedAt: over.actedAt,
  ...over,
});

describe("effectiveActedAt", () => {
  const received = t("2026-03-10T12:00:00Z");

  it("keeps a device time that is behind receipt, however far (offline tablets)", () => {
    const device = t("2026-03-03T09:00:00Z");
    expect(effectiveActedAt(device, received)).toEqual({ actedAt: device, clamped: false });
  });

  it("keeps a device time up to exactly 5 minutes ahead", () => {
    const device = new Date(received.getTime() + MAX_CLOCK_SKEW_MS);
    expect(effectiveActedAt(device, received)).toEqual({ actedAt: device, clamped: false });
  });

  it("replaces a device time more than 5 minutes ahead with the receipt time, flagged", () => {
    const device = new Date(received.getTime() + MAX_CLOCK_SKEW_MS + 1);
    expect(effectiveActedAt(device, received)).toEqual({ actedAt: received, clamped: true });
  });

  it("replaces an unreadable device time with the receipt time, flagged", () => {
    expect(effectiveActedAt(new Date("garbage"), received)).toEqual({ actedAt: received, clamped: true });
  });

  it("refuses an invalid receipt time", () => {
    expect(() => effectiveActedAt(received, new Date(Number.NaN))).toThrow(RangeError);
  });
});

describe("currentConsentState", () => {
  it("is never-consented on every channel with no entries", () => {
    const state = currentConsentState([]);
    for (const channel of CHANNELS) expect(state[channel]).toEqual({ granted: false, since: null, entryId: null });
  });

  it("orders by when the customer acted, not when the server heard", () => {
    const grant = entry({
      id: "g",
      channel: "sms",
      action: "granted",
      actedAt: t("2026-03-01T10:00Z"),
      receivedAt: t("2026-03-08T10:00Z"),
    });
    const revoke = entry({ id: "r", channel: "sms", action: "revoked", actedAt: t("2026-03-05T10:00Z") });
    // The offline grant arrives after the revocation but happened before it.
    expect(currentConsentState([revoke, grant]).sms).toEqual({
      granted: false,
      since: t("2026-03-05T10:00Z"),
      entryId: "r",
    });
  });

  it("lets the revocation win a tie on acted time, whatever the receipt times", () => {
    const at = t("2026-03-01T10:00Z");
    const revoke = entry({
      id: "a",
      channel: "email",
      action: "revoked",
      actedAt: at,
      receivedAt: t("2026-03-01T10:00Z"),
    });
    const grant = entry({
      id: "z",
      channel: "email",
      action: "granted",
      actedAt: at,
      receivedAt: t("2026-03-02T10:00Z"),
    });
    expect(currentConsentState([grant, revoke]).email.granted).toBe(false);
    expect(currentConsentState([revoke, grant]).email.granted).toBe(false);
  });

  it("treats an 'all' revocation as a global unsubscribe as of its time", () => {
    const state = currentConsentState([
      entry({ channel: "email", action: "granted", actedAt: t("2026-03-01T10:00Z") }),
      entry({ channel: "sms", action: "granted", actedAt: t("2026-03-01T10:00Z") }),
      entry({ id: "unsub", channel: "all", action: "revoked", actedAt: t("2026-03-02T10:00Z") }),
      entry({ id: "later", channel: "sms", action: "granted", actedAt: t("2026-03-03T10:00Z") }),
    ]);
    expect(state.email).toEqual({ granted: false, since: t("2026-03-02T10:00Z"), entryId: "unsub" });
    expect(state.whatsapp).toEqual({ granted: false, since: t("2026-03-02T10:00Z"), entryId: "unsub" });
    expect(state.sms).toEqual({ granted: true, since: t("2026-03-03T10:00Z"), entryId: "later" });
  });

  it("a global unsubscribe does not undo a grant made after it, and beats a grant at the same instant", () => {
    const at = t("2026-03-02T10:00Z");
    const state = currentConsentState([
      entry({ channel: "push", action: "granted", actedAt: at }),
      entry({ channel: "all", action: "revoked", actedAt: at }),
    ]);
    expect(state.push.granted).toBe(false);
  });

  it("ignores an 'all' grant: opt-in is explicit per channel", () => {
    const state = currentConsentState([entry({ channel: "all", action: "granted", actedAt: t("2026-03-02T10:00Z") })]);
    for (const channel of CHANNELS) expect(state[channel].granted).toBe(false);
  });

  it("gives the same state for any arrival order of the same entries", () => {
    // A small time range and few ids force plenty of ties on actedAt and receivedAt.
    const entryArb = fc.record({
      channel: fc.constantFrom(...CHANNELS, "all" as const),
      action: fc.constantFrom("granted" as const, "revoked" as const),
      actedAt: fc.integer({ min: 0, max: 5 }).map((m) => new Date(Date.UTC(2026, 2, 1, 10, m))),
      receivedAt: fc.integer({ min: 0, max: 5 }).map((m) => new Date(Date.UTC(2026, 2, 1, 10, m))),
    });
    const ledgerArb = fc
      .array(entryArb, { maxLength: 25 })
      .map((es) => es.map((e, i): ConsentEntry => ({ ...e, id: `id-${i}` })));
    fc.assert(
      fc.property(
        ledgerArb.chain((es) =>
          fc.tuple(fc.constant(es), fc.shuffledSubarray(es, { minLength: es.length, maxLength: es.length })),
        ),
        ([entries, shuffled]) => {
          expect(currentConsentState(shuffled)).toEqual(currentConsentState(entries));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("does not mutate the entries it is given", () => {
    const entries = [
      entry({ channel: "sms", action: "revoked", actedAt: t("2026-03-02T10:00Z") }),
      entry({ channel: "sms", action: "granted", actedAt: t("2026-03-01T10:00Z") }),
    ];
    const before = entries.map((e) => e.id);
    currentConsentState(entries);
    expect(entries.map((e) => e.id)).toEqual(before);
  });
});
