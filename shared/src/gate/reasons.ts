import type { Channel } from "../settings";

/**
 * The reason strings of the send gate, in one place, so the per-message gate and the server's
 * set-based SQL version of it write byte-identical reasons to the message log.
 */
export const GATE_STEPS = ["consent", "caps", "fatigue", "quiet_hours"] as const;
export type GateStep = (typeof GATE_STEPS)[number];

export const ALLOWED_REASON = "ok";
export const QUIET_HOURS_REASON = "quiet_hours";

export const noConsentReason = (channel: Channel): string => `no_consent:${channel}`;
export const globalCapReason = (sentToday: number, cap: number): string => `global_cap_reached:${sentToday}/${cap}`;
export const channelCapReason = (channel: Channel, sentToday: number, cap: number): string =>
  `channel_cap_reached:${channel}:${sentToday}/${cap}`;
/** Two decimals, e.g. `fatigue:0.70`; SQL gets the same with `to_char(score, 'FM0.00')`. */
export const fatigueReason = (score: number): string => `fatigue:${score.toFixed(2)}`;

/** Which gate step produced a blocked reason; null for "ok" or a string the gate never writes. */
export function gateStepOfReason(reason: string): GateStep | null {
  if (reason.startsWith("no_consent:")) return "consent";
  if (reason.startsWith("global_cap_reached:") || reason.startsWith("channel_cap_reached:")) return "caps";
  if (reason.startsWith("fatigue:")) return "fatigue";
  if (reason === QUIET_HOURS_REASON) return "quiet_hours";
  return null;
}
