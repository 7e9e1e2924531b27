import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { CHANNELS, defaultShopSettings, type Channel } from "../settings";
import { currentConsentState, neverConsented, type ConsentState } from "../consent/ledger";
import { fatigueOfSentCount } from "./fatigue";
import {
  checkGate,
  decideGate,
  isQuietHour,
  localDayBounds,
  localDayKey,
  localDayStart,
  type GateInput,
  type SentMessage,
} from "./gate";

const t = (iso: string) => new Date(iso);
const H = 60 * 60_000;
const DAY = 24 * H;

const grantedAll: ConsentState = currentConsentState(
  CHANNELS.map((channel, i) => ({
    id: `g${i}`,
    channel,
    action: "granted",
    actedAt: t("2026-01-01T00:00Z"),
    receivedAt: t("2026-01-01T00:00Z"),
  })),
);

const sent = (channel: Channel, iso: string | Date): SentMessage => ({
  channel,
  at: typeof iso === "string" ? t(iso) : iso,
});

/** Noon UTC on a Tuesday: no quiet hours in UTC, nothing sent, everything granted. */
const input = (over: Partial<GateInput> = {}): GateInput => ({
  channel: "sms",
  at: t("2026-03-10T12:00:00Z"),
  consent: grantedAll,
  globallyUnsubscribed: false,
  sent: [],
  customerTimeZone: null,
  hasPhone: true,
  settings: defaultShopSettings(),
  ...over,
});

describe("checkGate: each step alone", () => {
  it("allows a granted channel with nothing sent at midday", () => {
    expect(checkGate(input())).toEqual({ allowed: true, reason: "ok" });
  });

  it("step 1 consent: blocks a channel never granted or revoked", () => {
    expect(checkGate(input({ consent: neverConsented() }))).toEqual({
      allowed: false,
      reason: "no_consent:sms",
      step: "consent",
    });
    const revoked = { ...grantedAll, whatsapp: { granted: false, since: t("2026-02-01T00:00Z"), entryId: "r" } };
    expect(checkGate(input({ channel: "whatsapp", consent: revoked }))).toEqual({
      allowed: false,
      reason: "no_consent:whatsapp",
      step: "consent",
    });
  });

  it("step 1 consent: a global unsubscribe blocks every channel, even ones still granted", () => {
    for (const channel of CHANNELS) {
      expect(checkGate(input({ channel, globallyUnsubscribed: true }))).toEqual({
        allowed: false,
        reason: `no_consent:${channel}`,
        step: "consent",
      });
    }
  });

  it("step 2 caps: the global daily cap across channels", () => {
    const today = [
      sent("email", "2026-03-10T08:00Z"),
      sent("push", "2026-03-10T09:00Z"),
      sent("whatsapp", "2026-03-10T10:00Z"),
    ];
    expect(checkGate(input({ sent: today }))).toEqual({
      allowed: false,
      reason: "global_cap_reached:3/3",
      step: "caps",
    });
    expect(checkGate(input({ sent: today.slice(0, 2) }))).toEqual({ allowed: true, reason: "ok" });
  });

  it("step 2 caps: the per-channel daily cap", () => {
    const today = [sent("whatsapp", "2026-03-10T08:00Z"), sent("whatsapp", "2026-03-10T09:00Z")];
    expect(checkGate(input({ channel: "whatsapp", sent: today }))).toEqual({
      allowed: false,
      reason: "channel_cap_reached:whatsapp:2/2",
      step: "caps",
    });
    expect(checkGate(input({ channel: "sms", sent: [sent("sms", "2026-03-10T08:00Z")] }))).toMatchObject({
      reason: "channel_cap_reached:sms:1/1",
    });
    expect(checkGate(input({ channel: "push", sent: today }))).toEqual({ allowed: true, reason: "ok" });
  });

  it("step 2 caps: reports the real count when a shop lowered its cap below what was already sent", () => {
    const settings = { ...defaultShopSettings(), caps: { ...defaultShopSettings().caps, globalDaily: 2 } };
    const today = [
      sent("email", "2026-03-10T08:00Z"),
      sent("push", "2026-03-10T09:00Z"),
      sent("email", "2026-03-10T10:00Z"),
    ];
    expect(checkGate(input({ settings, sent: today }))).toMatchObject({ reason: "global_cap_reached:3/2" });
  });

  it("step 3 fatigue: exactly 0.70 is blocked, 0.60 is not", () => {
    const week = (n: number) =>
      Array.from({ length: n }, (_, i) => sent("email", new Date(t("2026-03-09T12:00Z").getTime() - i * 20 * H)));
    expect(checkGate(input({ sent: week(7) }))).toEqual({ allowed: false, reason: "fatigue:0.70", step: "fatigue" });
    expect(checkGate(input({ sent: week(6) }))).toEqual({ allowed: true, reason: "ok" });
  });

  it("step 4 quiet hours: blocks sms, whatsapp and push at night but never email", () => {
    const at = t("2026-03-10T22:30:00Z");
    for (const channel of ["sms", "whatsapp", "push"] as const) {
      expect(checkGate(input({ channel, at }))).toEqual({ allowed: false, reason: "quiet_hours", step: "quiet_hours" });
    }
    expect(checkGate(input({ channel: "email", at }))).toEqual({ allowed: true, reason: "ok" });
  });
});

describe("checkGate: order of the steps (first failure wins)", () => {
  const night = t("2026-03-10T23:00:00Z");
  // Seven earlier this week, none today.
  const sevenThisWeek = Array.from({ length: 7 }, (_, i) =>
    sent("sms", new Date(t("2026-03-09T20:00Z").getTime() - i * 20 * H)),
  );
  const threeToday = [
    sent("sms", "2026-03-10T01:00Z"),
    sent("push", "2026-03-10T02:00Z"),
    sent("email", "2026-03-10T03:00Z"),
  ];
  const everything = { at: night, sent: [...sevenThisWeek, ...threeToday] };

  it("consent before caps, fatigue and quiet hours", () => {
    expect(checkGate(input({ ...everything, globallyUnsubscribed: true }))).toMatchObject({ step: "consent" });
  });

  it("global cap before channel cap, caps before fatigue and quiet hours", () => {
    expect(checkGate(input(everything))).toMatchObject({ reason: "global_cap_reached:3/3", step: "caps" });
  });

  it("channel cap before fatigue", () => {
    expect(
      checkGate(input({ ...everything, sent: [...sevenThisWeek, sent("sms", "2026-03-10T01:00Z")] })),
    ).toMatchObject({
      reason: "channel_cap_reached:sms:1/1",
    });
  });

  it("fatigue before quiet hours", () => {
    expect(checkGate(input({ at: night, sent: sevenThisWeek }))).toMatchObject({
      reason: "fatigue:0.70",
      step: "fatigue",
    });
  });

  it("a blocked decision never becomes allowed by sending more (monotone in history)", () => {
    const base = t("2026-03-10T00:00:00Z").getTime();
    const sentArb = fc.array(
      fc.record({
        channel: fc.constantFrom(...CHANNELS),
        at: fc.integer({ min: -8 * DAY, max: DAY }).map((d) => new Date(base + d)),
      }),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...CHANNELS),
        fc.integer({ min: 0, max: DAY - 1 }),
        sentArb,
        sentArb,
        fc.constantFrom(null, "America/New_York", "Asia/Tokyo"),
        (channel, offset, history, more, zone) => {
          const at = new Date(base + offset);
          const before = checkGate(input({ channel, at, sent: history, customerTimeZone: zone }));
          const after = checkGate(input({ channel, at, sent: [...history, ...more], customerTimeZone: zone }));
          if (!before.allowed) expect(after.allowed).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("checkGate: time zones", () => {
  it("counts caps on the customer's local day: a message before their midnight does not count after it", () => {
    // Los Angeles is UTC-7 on 2026-03-10 (DST began 2026-03-08).
    const lateLastNight = sent("sms", "2026-03-10T06:30:00Z"); // 23:30 on the 9th in LA
    const justAfterMidnight = t("2026-03-10T07:30:00Z"); // 00:30 on the 10th in LA
    const settings = { ...defaultShopSettings(), quietHours: { start: "00:00", end: "00:00" } };
    expect(
      checkGate(
        input({ at: justAfterMidnight, sent: [lateLastNight], customerTimeZone: "America/Los_Angeles", settings }),
      ),
    ).toEqual({ allowed: true, reason: "ok" });
    // In the shop's zone (UTC) both fall on the 10th, so the sms cap of 1 is already used.
    expect(checkGate(input({ at: justAfterMidnight, sent: [lateLastNight], settings }))).toMatchObject({
      reason: "channel_cap_reached:sms:1/1",
    });
  });

  it("counts the whole local day for the caps: a 10:00 send decided after a 12:00 one meets the 1/day sms cap", () => {
    const noon = sent("sms", "2026-03-10T19:00:00Z"); // 12:00 in Los Angeles
    const tenAm = t("2026-03-10T17:00:00Z"); // 10:00 the same LA day
    expect(checkGate(input({ at: tenAm, sent: [noon], customerTimeZone: "America/Los_Angeles" }))).toMatchObject({
      reason: "channel_cap_reached:sms:1/1",
    });
    // A send the next local day is a new day's.
    expect(
      checkGate(input({ at: t("2026-03-11T17:00:00Z"), sent: [noon], customerTimeZone: "America/Los_Angeles" })),
    ).toEqual({
      allowed: true,
      reason: "ok",
    });
  });

  it("counts caps on the shop's local day when the customer's zone is unknown or not a real zone", () => {
    const settings = { ...defaultShopSettings(), timeZone: "Asia/Tokyo", quietHours: { start: "00:00", end: "00:00" } };
    const before = sent("sms", "2026-03-10T14:30:00Z"); // 23:30 in Tokyo
    const at = t("2026-03-10T15:30:00Z"); // 00:30 next day in Tokyo
    expect(checkGate(input({ at, sent: [before], settings }))).toEqual({ allowed: true, reason: "ok" });
    expect(checkGate(input({ at, sent: [before], settings, customerTimeZone: "Mars/Olympus" }))).toEqual({
      allowed: true,
      reason: "ok",
    });
  });

  it("uses the customer's quiet hours when they live in another zone than the shop", () => {
    const settings = { ...defaultShopSettings(), timeZone: "Europe/Berlin" };
    const at = t("2026-06-15T12:00:00Z"); // 14:00 in Berlin, 08:00 in New York
    expect(checkGate(input({ at, settings }))).toEqual({ allowed: true, reason: "ok" });
    expect(checkGate(input({ at, settings, customerTimeZone: "America/New_York" }))).toEqual({
      allowed: false,
      reason: "quiet_hours",
      step: "quiet_hours",
    });
    const evening = t("2026-06-15T20:00:00Z"); // 22:00 in Berlin, 16:00 in New York
    expect(checkGate(input({ at: evening, settings, customerTimeZone: "America/New_York" }))).toEqual({
      allowed: true,
      reason: "ok",
    });
  });

  it("follows Berlin's wall clock across the spring change (2026-03-29, 02:00 CET -> 03:00 CEST)", () => {
    const quiet = { start: "21:00", end: "09:00" };
    // 07:30 UTC is 08:30 CET the day before but 09:30 CEST on the day of the change.
    expect(isQuietHour(t("2026-03-28T07:30:00Z"), "Europe/Berlin", quiet)).toBe(true);
    expect(isQuietHour(t("2026-03-29T07:30:00Z"), "Europe/Berlin", quiet)).toBe(false);
    expect(isQuietHour(t("2026-03-29T06:59:00Z"), "Europe/Berlin", quiet)).toBe(true); // 08:59 CEST
    expect(isQuietHour(t("2026-03-29T07:00:00Z"), "Europe/Berlin", quiet)).toBe(false); // 09:00 CEST
    // 19:30 UTC is 20:30 CET before, 21:30 CEST after.
    expect(isQuietHour(t("2026-03-28T19:30:00Z"), "Europe/Berlin", quiet)).toBe(false);
    expect(isQuietHour(t("2026-03-29T19:30:00Z"), "Europe/Berlin", quiet)).toBe(true);
    // Through the skipped hour itself: 00:59 UTC is 01:59 CET, 01:00 UTC is 03:00 CEST, both quiet.
    expect(isQuietHour(t("2026-03-29T00:59:00Z"), "Europe/Berlin", quiet)).toBe(true);
    expect(isQuietHour(t("2026-03-29T01:00:00Z"), "Europe/Berlin", quiet)).toBe(true);
  });

  it("follows New York's wall clock across the autumn change (2026-11-01, 02:00 EDT -> 01:00 EST)", () => {
    const settings = { ...defaultShopSettings(), timeZone: "America/New_York" };
    // 13:30 UTC is 09:30 EDT on Oct 31 but 08:30 EST on Nov 1.
    expect(checkGate(input({ at: t("2026-10-31T13:30:00Z"), settings }))).toEqual({ allowed: true, reason: "ok" });
    expect(checkGate(input({ at: t("2026-11-01T13:30:00Z"), settings }))).toMatchObject({ reason: "quiet_hours" });
    // 09:00 EST
    expect(checkGate(input({ at: t("2026-11-01T14:00:00Z"), settings }))).toEqual({ allowed: true, reason: "ok" });
    // 01:30 happens twice that night; both are quiet.
    expect(isQuietHour(t("2026-11-01T05:30:00Z"), "America/New_York", settings.quietHours)).toBe(true); // 01:30 EDT
    expect(isQuietHour(t("2026-11-01T06:30:00Z"), "America/New_York", settings.quietHours)).toBe(true); // 01:30 EST
  });

  it("lets email through at any hour of a DST night", () => {
    const settings = { ...defaultShopSettings(), timeZone: "America/New_York" };
    expect(checkGate(input({ channel: "email", at: t("2026-11-01T06:30:00Z"), settings }))).toEqual({
      allowed: true,
      reason: "ok",
    });
  });
});

describe("fatigue in the gate", () => {
  const at = t("2026-03-10T12:00:00Z");
  const roomy = { globalDaily: 100, email: 100, sms: 100, whatsapp: 100, push: 100 };
  it("counts the rolling 7 days (at - 7d, at] across channels, divided by 10", () => {
    const history = [
      sent("email", new Date(at.getTime() - 7 * DAY)), // exactly 7 days ago: outside
      sent("sms", new Date(at.getTime() - 7 * DAY + 1)), // inside
      sent("push", at), // inside
      sent("push", new Date(at.getTime() + 1)), // future: outside
    ];
    const settings = { ...defaultShopSettings(), fatigueThreshold: 0.2, caps: roomy };
    expect(checkGate(input({ sent: history, at, settings }))).toMatchObject({ reason: "fatigue:0.20" });
    expect(checkGate(input({ sent: history.slice(0, 2), at, settings }))).toEqual({ allowed: true, reason: "ok" });
  });

  it("is capped at 1", () => {
    const many = Array.from({ length: 15 }, (_, i) => sent("email", new Date(at.getTime() - i * H)));
    expect(fatigueOfSentCount(many.length)).toBe(1);
    const settings = { ...defaultShopSettings(), fatigueThreshold: 1, caps: roomy };
    expect(checkGate(input({ sent: many, settings }))).toMatchObject({ reason: "fatigue:1.00" });
  });
});

describe("localDayKey", () => {
  it("gives the calendar date in the zone", () => {
    expect(localDayKey(t("2026-03-28T23:30:00Z"), "Europe/Berlin")).toBe("2026-03-29");
    expect(localDayKey(t("2026-03-28T23:30:00Z"), "UTC")).toBe("2026-03-28");
    expect(localDayKey(t("2026-03-29T03:00:00Z"), "America/New_York")).toBe("2026-03-28");
    expect(localDayKey(t("2026-12-31T15:00:00Z"), "Pacific/Kiritimati")).toBe("2027-01-01");
  });
});

describe("isQuietHour", () => {
  it("handles a window that wraps midnight, start inclusive and end exclusive", () => {
    const q = { start: "21:00", end: "09:00" };
    expect(isQuietHour(t("2026-03-10T20:59:00Z"), "UTC", q)).toBe(false);
    expect(isQuietHour(t("2026-03-10T21:00:00Z"), "UTC", q)).toBe(true);
    expect(isQuietHour(t("2026-03-10T00:00:00Z"), "UTC", q)).toBe(true);
    expect(isQuietHour(t("2026-03-10T08:59:59Z"), "UTC", q)).toBe(true);
    expect(isQuietHour(t("2026-03-10T09:00:00Z"), "UTC", q)).toBe(false);
  });

  it("handles a daytime window and treats start = end as no quiet hours", () => {
    expect(isQuietHour(t("2026-03-10T13:00:00Z"), "UTC", { start: "12:00", end: "14:00" })).toBe(true);
    expect(isQuietHour(t("2026-03-10T14:00:00Z"), "UTC", { start: "12:00", end: "14:00" })).toBe(false);
    expect(isQuietHour(t("2026-03-10T03:00:00Z"), "UTC", { start: "00:00", end: "00:00" })).toBe(false);
  });
});

describe("decideGate", () => {
  const settings = defaultShopSettings();
  const facts = { consentGranted: true, sentToday: 0, sentTodayOnChannel: 0, sentInWindow: 0, quietHour: false };

  it("takes the steps in order, first failure wins", () => {
    expect(decideGate("sms", facts, settings)).toEqual({ allowed: true, reason: "ok" });
    expect(decideGate("sms", { ...facts, quietHour: true }, settings)).toMatchObject({ reason: "quiet_hours" });
    expect(decideGate("email", { ...facts, quietHour: true }, settings)).toEqual({ allowed: true, reason: "ok" });
    expect(decideGate("sms", { ...facts, sentInWindow: 7, quietHour: true }, settings)).toMatchObject({
      reason: "fatigue:0.70",
    });
    expect(
      decideGate("sms", { ...facts, sentTodayOnChannel: 1, sentToday: 1, sentInWindow: 9 }, settings),
    ).toMatchObject({ reason: "channel_cap_reached:sms:1/1" });
    expect(decideGate("sms", { ...facts, sentToday: 4, sentTodayOnChannel: 2 }, settings)).toMatchObject({
      reason: "global_cap_reached:4/3",
    });
    expect(decideGate("sms", { ...facts, sentInWindow: 25 }, settings)).toMatchObject({ reason: "fatigue:1.00" });
  });

  it("without consent the other facts do not matter", () => {
    const busy = { consentGranted: false, sentToday: 9, sentTodayOnChannel: 9, sentInWindow: 30, quietHour: true };
    expect(decideGate("push", busy, settings)).toEqual({ allowed: false, reason: "no_consent:push", step: "consent" });
    expect(decideGate("push", { ...facts, consentGranted: false }, settings)).toEqual(
      decideGate("push", busy, settings),
    );
  });
});

describe("localDayStart", () => {
  it("is local midnight on ordinary days and across DST changes", () => {
    expect(localDayStart(t("2026-03-10T12:00:00Z"), "UTC")).toEqual(t("2026-03-10T00:00:00Z"));
    expect(localDayStart(t("2026-03-10T12:00:00Z"), "Asia/Tokyo")).toEqual(t("2026-03-09T15:00:00Z"));
    // Berlin's 23-hour day (2026-03-29) starts at 00:00 CET; the next at 00:00 CEST.
    expect(localDayStart(t("2026-03-29T20:00:00Z"), "Europe/Berlin")).toEqual(t("2026-03-28T23:00:00Z"));
    expect(localDayStart(t("2026-03-30T08:00:00Z"), "Europe/Berlin")).toEqual(t("2026-03-29T22:00:00Z"));
    // New York's 25-hour day (2026-11-01) starts at 00:00 EDT.
    expect(localDayStart(t("2026-11-02T03:00:00Z"), "America/New_York")).toEqual(t("2026-11-01T04:00:00Z"));
    expect(localDayStart(t("2026-03-10T00:00:00Z"), "UTC")).toEqual(t("2026-03-10T00:00:00Z"));
  });

  it("is the first instant with the same local date, in any zone (the day the per-customer gate counts)", () => {
    const zones = [
      "UTC",
      "Europe/Berlin",
      "America/New_York",
      "America/Santiago",
      "Asia/Kolkata",
      "Australia/Lord_Howe",
      "Pacific/Kiritimati",
      "America/St_Johns",
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2028, 0, 1) }),
        (zone, ms) => {
          const at = new Date(ms);
          const start = localDayStart(at, zone);
          expect(start.getTime()).toBeLessThanOrEqual(ms);
          expect(localDayKey(start, zone)).toBe(localDayKey(at, zone));
          expect(localDayKey(new Date(start.getTime() - 1), zone)).not.toBe(localDayKey(at, zone));
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe("localDayBounds", () => {
  it("is [local midnight, next local midnight), 23 and 25 hours long on DST days", () => {
    expect(localDayBounds(t("2026-03-10T12:00:00Z"), "UTC")).toEqual({
      start: t("2026-03-10T00:00:00Z"),
      end: t("2026-03-11T00:00:00Z"),
    });
    expect(localDayBounds(t("2026-03-29T20:00:00Z"), "Europe/Berlin")).toEqual({
      start: t("2026-03-28T23:00:00Z"),
      end: t("2026-03-29T22:00:00Z"),
    });
    expect(localDayBounds(t("2026-11-01T12:00:00Z"), "America/New_York")).toEqual({
      start: t("2026-11-01T04:00:00Z"),
      end: t("2026-11-02T05:00:00Z"),
    });
    // Samoa skipped 2011-12-30: the 29th ends where the 31st begins.
    expect(localDayBounds(t("2011-12-29T12:00:00Z"), "Pacific/Apia").end).toEqual(t("2011-12-30T10:00:00Z"));
  });

  it("holds exactly the instants with the local date of `at`, in any zone", () => {
    const zones = [
      "UTC",
      "Europe/Berlin",
      "America/New_York",
      "Australia/Lord_Howe",
      "Pacific/Kiritimati",
      "America/St_Johns",
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2028, 0, 1) }),
        (zone, ms) => {
          const at = new Date(ms);
          const { start, end } = localDayBounds(at, zone);
          expect(start.getTime()).toBeLessThanOrEqual(ms);
          expect(end.getTime()).toBeGreaterThan(ms);
          expect(localDayKey(new Date(end.getTime() - 1), zone)).toBe(localDayKey(at, zone));
          expect(localDayKey(end, zone)).not.toBe(localDayKey(at, zone));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("checkGate: SMS and WhatsApp need a phone on the profile", () => {
  it("blocks a granted SMS or WhatsApp send at the consent step when the profile has no phone", () => {
    for (const channel of ["sms", "whatsapp"] as const) {
      expect(checkGate(input({ channel, hasPhone: false }))).toEqual({
        allowed: false,
        reason: `no_consent:${channel}`,
        step: "consent",
      });
      expect(checkGate(input({ channel, hasPhone: true }))).toEqual({ allowed: true, reason: "ok" });
    }
  });

  it("email and push reach the customer without a phone", () => {
    for (const channel of ["email", "push"] as const)
      expect(checkGate(input({ channel, hasPhone: false }))).toEqual({ allowed: true, reason: "ok" });
  });
});
