import type { Channel, ShopSettings } from "../settings";
import type { AudienceFilters } from "../wire/gate";
import { decideGate, isQuietHour, type GateDecision, type GateFacts } from "./gate";

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

export function summarizeDecisions(
  decisions: readonly { profileId: string; decision: GateDecision }[],
): AudienceSummary {
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

/** Customers of an audience who share the same gate facts, counted together (the zone is the one the gate uses). */
export interface AudienceGroup extends Omit<GateFacts, "quietHour"> {
  zone: string;
  count: number;
}

/**
 * The gate over an audience counted in groups: each group decided once by `decideGate`, blocked counts
 * per exact reason, and the groups whose customers may be sent to.
 */
export function decideAudienceGroups(
  groups: readonly AudienceGroup[],
  input: { channel: Channel; at: Date; settings: Pick<ShopSettings, "caps" | "fatigueThreshold" | "quietHours"> },
): { allowed: number; blocked: Record<string, number>; allowedGroups: AudienceGroup[] } {
  const quiet = new Map<string, boolean>();
  const quietIn = (zone: string) => {
    if (!quiet.has(zone)) quiet.set(zone, isQuietHour(input.at, zone, input.settings.quietHours));
    return quiet.get(zone)!;
  };
  const result = { allowed: 0, blocked: {} as Record<string, number>, allowedGroups: [] as AudienceGroup[] };
  for (const group of groups) {
    if (group.count === 0) continue;
    const decision = decideGate(input.channel, { ...group, quietHour: quietIn(group.zone) }, input.settings);
    if (decision.allowed) {
      result.allowed += group.count;
      result.allowedGroups.push(group);
    } else {
      result.blocked[decision.reason] = (result.blocked[decision.reason] ?? 0) + group.count;
    }
  }
  return result;
}

/**
 * Whether a customer belongs to a filtered audience: engagement within the bounds (inclusive; never
 * scored counts as 0) and the lifecycle stage among those asked for. No filter keeps everyone.
 */
export function matchesAudienceFilters(
  profile: { engagementScore: number | null; lifecycleStage: string },
  filters: AudienceFilters | undefined,
): boolean {
  if (!filters) return true;
  const engagement = profile.engagementScore ?? 0;
  if (filters.minEngagement !== undefined && engagement < filters.minEngagement) return false;
  if (filters.maxEngagement !== undefined && engagement > filters.maxEngagement) return false;
  if (filters.lifecycleStages && !filters.lifecycleStages.includes(profile.lifecycleStage as never)) return false;
  return true;
}
