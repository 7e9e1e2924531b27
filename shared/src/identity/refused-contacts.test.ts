import { describe, expect, it } from "vitest";
import { refusedContactFields } from "./refused-contacts";

const ctx = { defaultCountry: "US", junk: ["@frontdesk-shop.com", "+14155550199"] };

describe("refusedContactFields", () => {
  it("names a malformed email and phone, and says they were not saved", () => {
    expect(refusedContactFields({ email: "sarah@@gmail", phone: "12" }, ctx)).toEqual([
      {
        field: "email",
        reason: "the email is not a valid email address (or a placeholder); it was not saved, ask the customer again",
      },
      {
        field: "phone",
        reason: "the phone number is not a valid phone number; it was not saved, ask the customer again",
      },
    ]);
  });

  it("tells a junk-listed value apart from a malformed one", () => {
    expect(
      refusedContactFields({ email: "till@frontdesk-shop.com", phone: "+14155550199" }, ctx).map((r) => r.reason),
    ).toEqual([
      "the email is on this shop's list of ignored addresses; it was not saved",
      "the phone number is on this shop's list of ignored numbers; it was not saved",
    ]);
  });

  it("refuses nothing that is valid, blank or absent", () => {
    expect(refusedContactFields({ email: "Sarah.Lopez@Gmail.com", phone: "+1 415 555 0142" }, ctx)).toEqual([]);
    expect(refusedContactFields({ email: "  ", phone: null }, ctx)).toEqual([]);
    expect(refusedContactFields({}, ctx)).toEqual([]);
  });
});
