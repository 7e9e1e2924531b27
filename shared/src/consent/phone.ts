/**
 * SMS and WhatsApp consent reach a phone: a grant for them means nothing without a number on the
 * profile, so the register asks the clerk for one first and the server refuses a grant that has none.
 * Revoking needs no number. No zod here, so the register can import this file.
 */
const PHONE_CHANNELS: readonly string[] = ["sms", "whatsapp"];
const CHANNEL_NAMES: Record<string, string> = { sms: "SMS", whatsapp: "WhatsApp" };

export const channelNeedsPhone = (channel: string): boolean => PHONE_CHANNELS.includes(channel);

/** Why this grant cannot be recorded yet, in the clerk's words; null when it can. */
export function missingPhoneRefusal(input: {
  channel: string;
  action: "granted" | "revoked";
  /** The phone numbers the profile has, plus one given with the grant. */
  phones: readonly (string | null | undefined)[];
}): { code: "phone_required"; field: "phone"; message: string } | null {
  if (input.action !== "granted" || !channelNeedsPhone(input.channel)) return null;
  if (input.phones.some((p) => typeof p === "string" && p.trim() !== "")) return null;
  return {
    code: "phone_required",
    field: "phone",
    message: `${CHANNEL_NAMES[input.channel]} consent needs the customer's phone number: add it (field "phone").`,
  };
}
