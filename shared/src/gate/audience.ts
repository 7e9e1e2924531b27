import type { GateDecision } from "./gate";

export {
  channelCapReason,
  fatigueReason,
  gateStepOfReason,
  globalCapReason,
  noConsentReason,
} from "./reasons";

export interface AudienceSummary {
  allowed: number;
  /** Blocked count per exact reason string, e.g. { "no_consent:sms": 120, "quiet_hours": 8 }. */
  blocked: Record<string, number>;
  /** Profiles that may be sent to, in input order. */
  allowedIds: string[];
}

export function summarizeDecisions(decisions: readonly { profileId: string; decision: GateDecision }[]): AudienceSummary {
  const summary: AudienceSummary = { allowed: 0, blocked: {}, allowedIds: [] };
  for (const { profileId, decision } of decisions) {
    if (decision.allowed) {
      summary.allowed++;
      summary.allowedIds.push(profileId);
    } else {
      summary.blocked[decision.reason] = (summary.blocked[decision.reason] ?? 0) + 1;
    }
  }
  return summary;
}
