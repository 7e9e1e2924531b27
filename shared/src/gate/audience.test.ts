import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  decideAudienceGroups,
  channelCapReason,
  fatigueReason,
  gateStepOfReason,
  globalCapReason,
  noConsentReason,
  summarizeDecisions,
  type AudienceGroup,
} from "./audience";
import { FATIGUE_WINDOW_MS } from "./fatigue";
import { checkGate, gateTimeZone, localDayBounds, type GateDecision } from "./gate";
import { currentConsentState, neverConsented } from "../consent/ledger";
import { CHANNELS, defaultShopSettings } from "../settings";

describe("reason helpers", () => {
  it("produce the exact strings the message log stores", () => {
    expect(noConsentReason("sms")).toBe("no_consent:sms");
    expect(globalCapReason(3, 3)).toBe("global_cap_reached:3/3");
    expect(channelCapReason("whatsapp", 2, 2)).toBe("channel_cap_reached:whatsapp:2/2");
    expect(fatigueReason(0.7)).toBe("fatigue:0.70");
    expect(fatigueReason(1)).toBe("fatigue:1.00");
  });

  it("agree with the gate itself", () => {
    const decision = checkGate({
      channel: "push",
      at: new Date("2026-03-10T12:00:00Z"),
      consent: neverConsented(),
      globallyUnsubscribed: false,
      sent: [],
      customerTimeZone: null,
      hasPhone: true,
      settings: defaultShopSettings(),
    });
    expect(decision.reason).toBe(noConsentReason("push"));
  });

  it("map a reason back to its step, e.g. for rows computed in SQL", () => {
    expect(gateStepOfReason("no_consent:email")).toBe("consent");
    expect(gateStepOfReason(globalCapReason(3, 3))).toBe("caps");
    expect(gateStepOfReason(channelCapReason("sms", 1, 1))).toBe("caps");
    expect(gateStepOfReason(fatigueReason(0.8))).toBe("fatigue");
    expect(gateStepOfReason("quiet_hours")).toBe("quiet_hours");
    expect(gateStepOfReason("ok")).toBeNull();
  });
});

describe("summarizeDecisions", () => {
  const ok: GateDecision = { allowed: true, reason: "ok" };
  const block = (reason: string): GateDecision => ({ allowed: false, reason, step: gateStepOfReason(reason)! });

  it("counts allowed, groups blocked by exact reason and keeps allowed ids in order", () => {
    expect(
      summarizeDecisions([
        { profileId: "p3", decision: ok },
        { profileId: "p1", decision: block("no_consent:sms") },
        { profileId: "p2", decision: block("quiet_hours") },
        { profileId: "p4", decision: block("no_consent:sms") },
        { profileId: "p0", decision: ok },
        { profileId: "p5", decision: block("fatigue:0.80") },
      ]),
    ).toEqual({
      allowed: 2,
      blocked: { "no_consent:sms": 2, quiet_hours: 1, "fatigue:0.80": 1 },
      allowedIds: ["p3", "p0"],
    });
  });

  it("is empty for an empty audience", () => {
    expect(summarizeDecisions([])).toEqual({ allowed: 0, blocked: {}, allowedIds: [] });
  });
});

describe("decideAudienceGroups", () => {
  const settings = { ...defaultShopSettings(), timeZone: "Europe/Berlin" };
  const zones = [null, "Asia/Tokyo", "America/New_York", "Not/AZone", "Europe/Berlin"];
  const base = Date.parse("2026-03-28T00:00:00Z");
  const customer = fc.record({
    zone: fc.constantFrom(...zones),
    granted: fc.subarray([...CHANNELS]),
    sent: fc.array(
      fc.record({
        channel: fc.constantFrom(...CHANNELS),
        at: fc.integer({ min: -8 * 86_400_000, max: 2 * 86_400_000 }),
      }),
      { maxLength: 9 },
    ),
  });

  it("equals checkGate per customer on set counts: today as the local day's bounds, week as (at - 7d, at]", () => {
    fc.assert(
      fc.property(
        fc.array(customer, { maxLength: 25 }),
        fc.constantFrom(...CHANNELS),
        fc.integer({ min: 0, max: 2 * 86_400_000 }),
        (customers, channel, offset) => {
          const at = new Date(base + offset);
          const decisions = customers.map((c, i) => {
            const consent = currentConsentState(
              c.granted.map((ch) => ({
                id: ch,
                channel: ch,
                action: "granted" as const,
                actedAt: new Date(0),
                receivedAt: new Date(0),
              })),
            );
            const sent = c.sent.map((m) => ({ channel: m.channel, at: new Date(base + m.at) }));
            return {
              profileId: `p${i}`,
              decision: checkGate({
                channel,
                at,
                consent,
                globallyUnsubscribed: false,
                sent,
                customerTimeZone: c.zone,
                hasPhone: true,
                settings,
              }),
            };
          });
          const groups = new Map<string, AudienceGroup>();
          for (const c of customers) {
            const zone = gateTimeZone(c.zone, settings.timeZone);
            const { start, end } = localDayBounds(at, zone);
            const all = c.sent.map((m) => ({ channel: m.channel, t: base + m.at }));
            const window = all.filter((m) => m.t > at.getTime() - FATIGUE_WINDOW_MS && m.t <= at.getTime());
            const today = all.filter((m) => m.t >= start.getTime() && m.t < end.getTime());
            const facts = {
              zone,
              consentGranted: c.granted.includes(channel),
              sentToday: today.length,
              sentTodayOnChannel: today.filter((m) => m.channel === channel).length,
              sentInWindow: window.length,
            };
            const key = JSON.stringify(facts);
            groups.set(key, { ...facts, count: (groups.get(key)?.count ?? 0) + 1 });
          }
          const expected = summarizeDecisions(decisions);
          const actual = decideAudienceGroups([...groups.values()], { channel, at, settings });
          expect({ allowed: actual.allowed, blocked: actual.blocked }).toEqual({
            allowed: expected.allowed,
            blocked: expected.blocked,
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("lists the groups that may be sent to", () => {
    const group = { zone: "UTC", consentGranted: true, sentToday: 0, sentTodayOnChannel: 0, sentInWindow: 0, count: 4 };
    const out = decideAudienceGroups(
      [group, { ...group, consentGranted: false, count: 2 }, { ...group, count: 0, sentInWindow: 1 }],
      {
        channel: "email",
        at: new Date("2026-03-10T12:00:00Z"),
        settings: defaultShopSettings(),
      },
    );
    expect(out).toEqual({ allowed: 4, blocked: { "no_consent:email": 2 }, allowedGroups: [group] });
  });
});

describe("matchesAudienceFilters", () => {
  it("keeps customers within the engagement bounds and stages; a never-scored customer counts 0", async () => {
    const { matchesAudienceFilters } = await import("./audience");
    const sarah = { engagementScore: 0.425, lifecycleStage: "engaged" };
    const quiet = { engagementScore: null, lifecycleStage: "new" };
    expect(matchesAudienceFilters(sarah, undefined)).toBe(true);
    expect(matchesAudienceFilters(sarah, { minEngagement: 0.425 })).toBe(true);
    expect(matchesAudienceFilters(sarah, { minEngagement: 0.43 })).toBe(false);
    expect(matchesAudienceFilters(sarah, { maxEngagement: 0.4 })).toBe(false);
    expect(matchesAudienceFilters(sarah, { lifecycleStages: ["loyal", "engaged"] })).toBe(true);
    expect(matchesAudienceFilters(sarah, { lifecycleStages: ["loyal"] })).toBe(false);
    expect(matchesAudienceFilters(quiet, { maxEngagement: 0 })).toBe(true);
    expect(matchesAudienceFilters(quiet, { minEngagement: 0.01 })).toBe(false);
  });
});
