import { normalizeEmail, normalizePhone, type NormalizeContext } from "./normalize";

/** A field of an otherwise applied change that was not kept, with the reason a clerk can act on. */
export interface FieldRejection {
  field: "email" | "phone";
  reason: string;
}

const given = (raw: string | null | undefined): raw is string => typeof raw === "string" && raw.trim() !== "";

/**
 * The email and phone a capture gave that identity resolution will not keep (malformed, a placeholder
 * or on the shop's junk list). The capture itself still applies; the clerk is told which field was
 * left off so they can ask the customer again, instead of the value vanishing without a word. The
 * reason never repeats the value: it is kept in the push's record, which erasure does not reach.
 */
export function refusedContactFields(
  raw: { email?: string | null; phone?: string | null },
  ctx: NormalizeContext,
): FieldRejection[] {
  const refused: FieldRejection[] = [];
  const junk = ctx.junk;
  if (given(raw.email) && normalizeEmail(raw.email, junk) === null) {
    const blocked = normalizeEmail(raw.email, []) !== null;
    refused.push({
      field: "email",
      reason: blocked
        ? "the email is on this shop's list of ignored addresses; it was not saved"
        : "the email is not a valid email address (or a placeholder); it was not saved, ask the customer again",
    });
  }
  if (given(raw.phone) && normalizePhone(raw.phone, ctx.defaultCountry, junk) === null) {
    const blocked = normalizePhone(raw.phone, ctx.defaultCountry, []) !== null;
    refused.push({
      field: "phone",
      reason: blocked
        ? "the phone number is on this shop's list of ignored numbers; it was not saved"
        : "the phone number is not a valid phone number; it was not saved, ask the customer again",
    });
  }
  return refused;
}
