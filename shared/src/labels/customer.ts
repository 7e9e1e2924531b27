/**
 * The one home of the words every surface (admin, register, tablet) uses for a customer's stage, a
 * channel and their loyalty. Typed against the shared unions, so a stage or channel added to the rules
 * fails typecheck here until it has words. No zod, no wire runtime: POS extensions import this.
 */
import type { Channel } from "../settings";
import { LIFECYCLE_STAGES, type LifecycleStage } from "../profile/lifecycle";
import { CHANNEL_LABELS, LIFECYCLE_LABELS, nextTierLine, pointsLabel, type LoyaltyLineInput } from "./register";

/** Every stage in the order a customer moves through them (new → churned): filters and charts list them so. */
export const LIFECYCLE_STAGE_ORDER: readonly LifecycleStage[] = LIFECYCLE_STAGES;

const isStage = (stage: string): stage is LifecycleStage => (LIFECYCLE_STAGES as readonly string[]).includes(stage);
const isChannel = (channel: string): channel is Channel => Object.hasOwn(CHANNEL_LABELS, channel);

/** "First-time buyer" for `converted`; a stage this build does not know is shown as it came, not hidden. */
export function lifecycleStageLabel(stage: string): string {
  return isStage(stage) ? LIFECYCLE_LABELS[stage] : stage;
}

/** "SMS", "WhatsApp": never "Sms". */
export function channelLabel(channel: string): string {
  return isChannel(channel) ? CHANNEL_LABELS[channel] : channel;
}

/**
 * "1 point · Bronze · 1 point to Silver", "1600 points · Gold · Top tier", "0 points" with no tier.
 * `tier` is null where the screen already shows the tier as a badge beside the line.
 */
export function loyaltyLine(points: number, tier: string | null, next?: LoyaltyLineInput): string {
  const parts = [pointsLabel(points)];
  if (tier) parts.push(tier);
  if (next) parts.push(nextTierLine(next));
  return parts.join(" · ");
}
