import { describe, expect, it } from "vitest";
import { channelNeedsPhone, missingPhoneRefusal } from "./phone";

describe("missingPhoneRefusal", () => {
  it("refuses an SMS or WhatsApp grant without a phone number, naming the channel and the field", () => {
    expect(missingPhoneRefusal({ channel: "sms", action: "granted", phones: [] })).toEqual({
      code: "phone_required",
      field: "phone",
      message: 'SMS consent needs the customer\'s phone number: add it (field "phone").',
    });
    expect(missingPhoneRefusal({ channel: "whatsapp", action: "granted", phones: [null, " "] })?.message).toBe(
      'WhatsApp consent needs the customer\'s phone number: add it (field "phone").',
    );
  });

  it("accepts a grant once there is a number, a revocation always, and channels that need no phone", () => {
    expect(missingPhoneRefusal({ channel: "sms", action: "granted", phones: ["+14155550100"] })).toBeNull();
    expect(missingPhoneRefusal({ channel: "sms", action: "revoked", phones: [] })).toBeNull();
    expect(missingPhoneRefusal({ channel: "email", action: "granted", phones: [] })).toBeNull();
    expect(missingPhoneRefusal({ channel: "push", action: "granted", phones: [] })).toBeNull();
  });

  it("knows which channels reach a phone", () => {
    expect(["email", "sms", "whatsapp", "push"].filter(channelNeedsPhone)).toEqual(["sms", "whatsapp"]);
  });
});
