import { z } from "zod";
import { channelSchema } from "../settings";

export const consentTextSchema = z.object({
  channel: channelSchema,
  locale: z.string().min(2).max(35),
  version: z.number().int().min(1),
  text: z.string().trim().min(1).max(5000),
});
export type ConsentText = z.infer<typeof consentTextSchema>;

/** What a device says it showed the customer when it captured consent. */
export type ConsentTextCapture = ConsentText;

const describe = (c: Pick<ConsentText, "channel" | "locale" | "version">) => `${c.channel} v${c.version} (${c.locale})`;

/**
 * A capture counts only if its text is exactly a text the shop published for that channel, locale
 * and version. Only surrounding whitespace is forgiven: any other difference means the customer saw
 * wording the shop never approved.
 */
export function matchesConsentText(
  capture: ConsentTextCapture,
  texts: readonly ConsentText[],
): { ok: true } | { ok: false; reason: string } {
  const published = texts.find(
    (t) => t.channel === capture.channel && t.locale === capture.locale && t.version === capture.version,
  );
  if (!published) {
    return { ok: false, reason: `no consent text for ${describe(capture)} is published by the shop` };
  }
  if (published.text.trim() !== capture.text.trim()) {
    return { ok: false, reason: `consent text for ${describe(capture)} does not match what the shop published` };
  }
  return { ok: true };
}

export const DEFAULT_CONSENT_TEXTS: readonly Readonly<ConsentText>[] = Object.freeze(
  (
    [
      {
        channel: "email",
        locale: "en",
        version: 1,
        text:
          "Yes, I'd like to receive marketing emails from this store about new arrivals, offers and events. " +
          "I can unsubscribe at any time with the link in every email. See our privacy policy for how we use my data.",
      },
      {
        channel: "sms",
        locale: "en",
        version: 1,
        text:
          "Yes, I'd like to receive marketing text messages from this store at the mobile number I gave. " +
          "Message frequency varies. Message and data rates may apply. Consent is not a condition of purchase. " +
          "Reply STOP to unsubscribe at any time.",
      },
      {
        channel: "whatsapp",
        locale: "en",
        version: 1,
        text:
          "Yes, I'd like to receive marketing messages from this store on WhatsApp at the mobile number I gave. " +
          "Message frequency varies. Reply STOP to unsubscribe at any time.",
      },
      {
        channel: "push",
        locale: "en",
        version: 1,
        text:
          "Yes, I'd like to receive push notifications from this store about offers and my loyalty points. " +
          "I can turn them off at any time in my device settings.",
      },
    ] satisfies ConsentText[]
  ).map((t) => Object.freeze(t)),
);
