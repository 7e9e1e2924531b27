import type { ShopSettings } from "../settings";
import { DAY_MS, dayCount, plural, wholeDaysBetween } from "./days";

export const LIFECYCLE_STAGES = ["new", "engaged", "converted", "loyal", "at_risk", "churned"] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export interface LifecycleFacts {
  firstSeenAt: Date;
  /** Latest order, visit, reply or other engagement; null when we have only seen them once. */
  lastActivityAt: Date | null;
  orderCount: number;
  /** Visits, sessions and engagements counted by the caller over `engagementLookbackDays`. */
  visitsInLookback: number;
}

export interface LifecycleResult {
  stage: LifecycleStage;
  /** One sentence for the merchant saying why this stage. */
  rule: string;
}

/**
 * The one lifecycle stage of a profile (SPEC "Lifecycle"). Checks run in a fixed order and the first
 * match wins, so every profile gets exactly one stage: churned, at_risk, loyal, converted, engaged, new.
 *
 * "No activity for more than N days" is strict: a customer last seen exactly N days ago is still inside
 * the window; N days and 1 ms is outside.
 */
export function lifecycleStage(facts: LifecycleFacts, windows: ShopSettings["lifecycle"], now: Date): LifecycleResult {
  const lastActivity = facts.lastActivityAt ?? facts.firstSeenAt;
  const quietMs = now.getTime() - lastActivity.getTime();
  const quietDays = Math.max(0, wholeDaysBetween(lastActivity, now));
  const lastSeen = quietDays === 0 ? "last activity today" : `last activity ${dayCount(quietDays)} ago`;
  const orders = plural(facts.orderCount, "order");

  if (quietMs > windows.churnedDays * DAY_MS) {
    return { stage: "churned", rule: `No activity for more than ${dayCount(windows.churnedDays)} (${lastSeen}).` };
  }
  if (facts.orderCount > 0 && quietMs > windows.atRiskDays * DAY_MS) {
    return {
      stage: "at_risk",
      rule: `${orders}, but no activity for more than ${dayCount(windows.atRiskDays)} (${lastSeen}).`,
    };
  }
  if (facts.orderCount >= 2) {
    return { stage: "loyal", rule: `${orders}, ${lastSeen} (within ${dayCount(windows.atRiskDays)}).` };
  }
  if (facts.orderCount === 1) {
    return { stage: "converted", rule: `1 order, ${lastSeen} (within ${dayCount(windows.atRiskDays)}).` };
  }
  const visits = plural(facts.visitsInLookback, "visit");
  if (facts.visitsInLookback >= windows.engagedMinVisits) {
    return {
      stage: "engaged",
      rule:
        `No order yet, ${visits} in the last ${dayCount(windows.engagementLookbackDays)} ` +
        `(${windows.engagedMinVisits} or more).`,
    };
  }
  const seenFor = Math.max(0, wholeDaysBetween(facts.firstSeenAt, now));
  if (now.getTime() - facts.firstSeenAt.getTime() <= windows.engagedWindowDays * DAY_MS) {
    return {
      stage: "new",
      rule:
        `No order yet, first seen ${seenFor === 0 ? "today" : `${dayCount(seenFor)} ago`} ` +
        `(within ${dayCount(windows.engagedWindowDays)}), ` +
        `${visits} in the last ${dayCount(windows.engagementLookbackDays)}.`,
    };
  }
  // SPEC leaves a gap: no order, too few visits to be engaged, first seen longer ago than the engaged
  // window, but not quiet long enough to be churned. Such a profile stays "new", and the rule says so.
  return {
    stage: "new",
    rule:
      `No order yet and fewer than ${windows.engagedMinVisits} visits ` +
      `in the last ${dayCount(windows.engagementLookbackDays)}; ` +
      `still new until ${dayCount(windows.churnedDays)} without activity (${lastSeen}).`,
  };
}
