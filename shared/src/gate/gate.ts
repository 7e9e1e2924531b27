import type { Channel, ShopSettings } from "../settings";
import type { ConsentState } from "../consent/ledger";
import { channelNeedsPhone } from "../consent/phone";
import {
  ALLOWED_REASON,
  QUIET_HOURS_REASON,
  channelCapReason,
  fatigueReason,
  globalCapReason,
  noConsentReason,
  type GateStep,
} from "./reasons";
import { FATIGUE_WINDOW_MS, fatigueOfSentCount } from "./fatigue";

export interface SentMessage {
  channel: Channel;
  at: Date;
}

export interface GateInput {
  channel: Channel;
  at: Date;
  consent: ConsentState;
  globallyUnsubscribed: boolean;
  /** Messages actually sent (not blocked), covering at least the 7 days before `at` and the rest of its local day. */
  sent: readonly SentMessage[];
  customerTimeZone: string | null;
  /** Whether the profile holds a phone number: an SMS or WhatsApp grant reaches no one without one. */
  hasPhone: boolean;
  settings: Pick<ShopSettings, "caps" | "fatigueThreshold" | "quietHours" | "timeZone">;
}

export type GateDecision = { allowed: true; reason: "ok" } | { allowed: false; reason: string; step: GateStep };

const DAY_MS = 24 * 60 * 60_000;
export const QUIET_HOURS_EXEMPT: readonly Channel[] = ["email"];

/**
 * What the gate's steps read about one customer at `at`, however it was gathered: from this customer's
 * ledger and messages (`checkGate`) or counted set-based for a whole audience.
 */
export interface GateFacts {
  consentGranted: boolean;
  /**
   * Messages sent on the customer's whole local calendar day of `at`, later ones included: a send decided
   * for 10:00 after one for 12:00 of the same day still meets the day's cap.
   */
  sentToday: number;
  sentTodayOnChannel: number;
  /** Messages sent in the rolling 7 days (at - 7d, at]. */
  sentInWindow: number;
  /** Whether `at` falls in the shop's quiet hours on the customer's wall clock. */
  quietHour: boolean;
}

/** The four steps in order; the first failure is the decision. Once consent fails the other facts are not read. */
export function decideGate(
  channel: Channel,
  facts: GateFacts,
  settings: Pick<ShopSettings, "caps" | "fatigueThreshold">,
): GateDecision {
  if (!facts.consentGranted) return blocked("consent", noConsentReason(channel));
  if (facts.sentToday >= settings.caps.globalDaily) {
    return blocked("caps", globalCapReason(facts.sentToday, settings.caps.globalDaily));
  }
  if (facts.sentTodayOnChannel >= settings.caps[channel]) {
    return blocked("caps", channelCapReason(channel, facts.sentTodayOnChannel, settings.caps[channel]));
  }
  const fatigue = fatigueOfSentCount(facts.sentInWindow);
  if (fatigue >= settings.fatigueThreshold) return blocked("fatigue", fatigueReason(fatigue));
  if (!QUIET_HOURS_EXEMPT.includes(channel) && facts.quietHour) return blocked("quiet_hours", QUIET_HOURS_REASON);
  return { allowed: true, reason: ALLOWED_REASON };
}

/** The gate for one customer from their consent state and sent messages. */
export function checkGate(input: GateInput): GateDecision {
  const { channel, at, settings } = input;
  if (Number.isNaN(at.getTime())) throw new RangeError("send time is not a valid date");
  // A grant for a phone channel without a phone is no usable consent (SPEC: SMS and WhatsApp need a phone);
  // it reads as the consent step, the same reason the set-based audience gate writes for it.
  const unreachable = channelNeedsPhone(channel) && !input.hasPhone;
  if (input.globallyUnsubscribed || !input.consent[channel].granted || unreachable) {
    return decideGate(
      channel,
      { consentGranted: false, sentToday: 0, sentTodayOnChannel: 0, sentInWindow: 0, quietHour: false },
      settings,
    );
  }
  const zone = gateTimeZone(input.customerTimeZone, settings.timeZone);
  const today = localDayKey(at, zone);
  const sentToday = input.sent.filter((m) => localDayKey(m.at, zone) === today);
  return decideGate(
    channel,
    {
      consentGranted: true,
      sentToday: sentToday.length,
      sentTodayOnChannel: sentToday.filter((m) => m.channel === channel).length,
      sentInWindow: sentInWindow(input.sent, at),
      quietHour: isQuietHour(at, zone, settings.quietHours),
    },
    settings,
  );
}

function blocked(step: GateStep, reason: string): GateDecision {
  return { allowed: false, reason, step };
}

/** Messages in the rolling 7 days (at - 7d, at] across channels. */
function sentInWindow(sent: readonly SentMessage[], at: Date): number {
  const end = at.getTime();
  const start = end - FATIGUE_WINDOW_MS;
  let count = 0;
  for (const m of sent) {
    const t = m.at.getTime();
    if (t > start && t <= end) count++;
  }
  return count;
}

/** The customer's zone when it is known and valid, else the shop's. */
export function gateTimeZone(customerTimeZone: string | null, shopTimeZone: string): string {
  return customerTimeZone !== null && isValidTimeZone(customerTimeZone) ? customerTimeZone : shopTimeZone;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The calendar date at `at` in `timeZone`, as "YYYY-MM-DD". */
export function localDayKey(at: Date, timeZone: string): string {
  const { year, month, day } = localParts(at, timeZone);
  return `${year}-${month}-${day}`;
}

/**
 * The first instant of the local calendar day that contains `at` in `timeZone`: a message sent in
 * [start, end) of {@link localDayBounds} is "today" for the caps. Found by bisection on `localDayKey`, so it is
 * the same day the per-customer gate uses, also on days that begin at 01:00 because the clocks jumped at midnight.
 */
export function localDayStart(at: Date, timeZone: string): Date {
  const today = localDayKey(at, timeZone);
  // Two days back is always an earlier local date, even across a skipped day (Samoa, 2011-12-30).
  let before = at.getTime() - 2 * DAY_MS;
  let within = at.getTime();
  while (within - before > 1) {
    const mid = Math.floor((before + within) / 2);
    if (localDayKey(new Date(mid), timeZone) === today) within = mid;
    else before = mid;
  }
  return new Date(within);
}

/**
 * The local calendar day that contains `at` in `timeZone`, as [start, end): what the daily caps count.
 * The end is the next day's first instant, so 23- and 25-hour days and skipped days come out right.
 */
export function localDayBounds(at: Date, timeZone: string): { start: Date; end: Date } {
  const today = localDayKey(at, timeZone);
  // Two days on is always a later local date, even across a skipped day.
  let within = at.getTime();
  let after = within + 2 * DAY_MS;
  while (after - within > 1) {
    const mid = Math.floor((within + after) / 2);
    if (localDayKey(new Date(mid), timeZone) === today) within = mid;
    else after = mid;
  }
  return { start: localDayStart(at, timeZone), end: new Date(after) };
}

/**
 * Whether `at` falls in the quiet window [start, end) on the local wall clock of `timeZone`.
 * A window whose start is after its end wraps midnight (21:00-09:00); start equal to end means
 * no quiet hours at all.
 */
export function isQuietHour(at: Date, timeZone: string, quiet: { start: string; end: string }): boolean {
  const { hour, minute } = localParts(at, timeZone);
  const now = Number(hour) * 60 + Number(minute);
  const start = minutesOfDay(quiet.start);
  const end = minutesOfDay(quiet.end);
  if (start === end) return false;
  return start < end ? now >= start && now < end : now >= start || now < end;
}

function minutesOfDay(hhmm: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!match) throw new RangeError(`quiet hours time "${hhmm}" is not HH:MM`);
  return Number(match[1]) * 60 + Number(match[2]);
}

// Building a DateTimeFormat is far slower than using one; an audience run asks the same few zones
// millions of times. The cache holds no state that changes an answer.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function localParts(
  at: Date,
  timeZone: string,
): { year: string; month: string; day: string; hour: string; minute: string } {
  if (Number.isNaN(at.getTime())) throw new RangeError("time is not a valid date");
  const parts = { year: "", month: "", day: "", hour: "", minute: "" };
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type in parts) parts[part.type as keyof typeof parts] = part.value;
  }
  return parts;
}
