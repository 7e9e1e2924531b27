import { describe, expect, it } from "vitest";
import {
  channelCapReason,
  fatigueReason,
  gateStepOfReason,
  globalCapReason,
  noConsentReason,
  summarizeDecisions,
} from "./audience";
import { checkGate, type GateDecision } from "./gate";
import { neverConsented } from "../consent/ledger";
import { defaultShopSettings } from "../settings";

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
    ).toEqual({ allowed: 2, blocked: { "no_consent:sms": 2, quiet_hours: 1, "fatigue:0.80": 1 }, allowedIds: ["p3", "p0"] });
  });

  it("is empty for an empty audience", () => {
    expect(summarizeDecisions([])).toEqual({ allowed: 0, blocked: {}, allowedIds: [] });
  });
});
