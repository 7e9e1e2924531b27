import { DEFAULT_CONSENT_TEXTS, type ConsentText } from "@c360/shared/consent/texts";
import { consentTextToShow } from "@c360/shared/consent/text-choice";
import type { Channel } from "@c360/shared/settings";
import type { CompanionDb } from "./db";

/**
 * The exact wording shown to the customer: the shop's published text cached at the last sync, chosen by the
 * shared rule (locale, language, English; newest version), or the shared defaults (version 1) on a tablet that
 * has never reached the server.
 */
export async function consentTextsFor(db: CompanionDb, locale = "en"): Promise<Record<Channel, ConsentText>> {
  const cached = await db.consentTexts.toArray();
  const pick = (channel: Channel): ConsentText => {
    const chosen = consentTextToShow(cached, channel, locale);
    if (chosen) return { channel, locale: chosen.locale, version: chosen.version, text: chosen.text };
    return { ...DEFAULT_CONSENT_TEXTS.find((t) => t.channel === channel)! };
  };
  return { email: pick("email"), sms: pick("sms"), whatsapp: pick("whatsapp"), push: pick("push") };
}
