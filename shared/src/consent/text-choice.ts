import type { Channel } from "../settings";

interface ShownText {
  channel: Channel;
  locale: string;
  version: number;
  text: string;
}

const language = (locale: string) => locale.split(/[-_]/)[0]!.toLowerCase();

/**
 * Which of the shop's published texts a customer is shown for a channel, in the device's language: the
 * exact locale, else the same language, else English; of those, the newest version. Undefined when the
 * shop has none for the channel (a device then shows the shared defaults it was built with).
 */
export function consentTextToShow<T extends ShownText>(
  texts: readonly T[],
  channel: Channel,
  locale: string,
): T | undefined {
  const forChannel = texts.filter((t) => t.channel === channel);
  const tries = [
    (t: T) => t.locale.toLowerCase() === locale.toLowerCase(),
    (t: T) => language(t.locale) === language(locale),
    (t: T) => language(t.locale) === "en",
  ];
  for (const matches of tries) {
    const found = forChannel.filter(matches).sort((a, b) => b.version - a.version)[0];
    if (found) return found;
  }
  return undefined;
}

/** The version each channel and locale shows today: the newest the shop published. */
export function latestConsentTexts<T extends ShownText>(texts: readonly T[]): T[] {
  const latest = new Map<string, T>();
  for (const t of texts) {
    const key = `${t.channel}\u0000${t.locale}`;
    if ((latest.get(key)?.version ?? 0) < t.version) latest.set(key, t);
  }
  return [...latest.values()].sort((a, b) => a.channel.localeCompare(b.channel) || a.locale.localeCompare(b.locale));
}
