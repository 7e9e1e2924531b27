import { describe, expect, it } from "vitest";
import { findDuplicates, validateCapture } from "./capture-form";
import { captureCustomer } from "./outbox";
import { freshDb, sequentialUuids } from "./test-support/setup";

const ctx = { defaultCountry: "US", today: "2026-11-25" };
const fields = {
  firstName: " Sarah ",
  lastName: "Lopez",
  email: " Sarah@Gmail.COM ",
  phone: "(415) 555-0142",
  birthday: "",
};

describe("sign-up form", () => {
  it("normalises email and phone as the server does", () => {
    const { input, errors } = validateCapture(fields, ctx);
    expect(errors).toEqual({});
    expect(input).toEqual({
      firstName: "Sarah",
      lastName: "Lopez",
      email: "sarah@gmail.com",
      phone: "+14155550142",
      birthday: null,
    });
  });

  it("refuses typos and placeholders with a sentence staff can act on", () => {
    const { errors } = validateCapture({ ...fields, email: "sarah@gmail", phone: "123", birthday: "2030-01-01" }, ctx);
    expect(errors.email).toMatch(/does not look right/);
    expect(errors.phone).toMatch(/not valid/);
    expect(errors.birthday).toMatch(/past/);
    expect(validateCapture({ ...fields, email: "noemail@example.com", phone: "" }, ctx).errors.email).toBeTruthy();
    expect(validateCapture({ ...fields, email: "", phone: "" }, ctx).errors.email).toMatch(/email or a phone/);
  });

  it("warns of a customer on this tablet with the same email or phone", async () => {
    const db = freshDb();
    const deps = { now: () => new Date("2026-11-25T10:00:00Z"), uuid: sequentialUuids() };
    const existing = await captureCustomer(db, deps, validateCapture(fields, ctx).input);
    expect((await findDuplicates(db, { email: "sarah@gmail.com", phone: null })).map((c) => c.id)).toEqual([
      existing.id,
    ]);
    expect((await findDuplicates(db, { email: null, phone: "+14155550142" })).map((c) => c.id)).toEqual([existing.id]);
    expect(await findDuplicates(db, { email: "other@gmail.com", phone: "+14155550143" })).toEqual([]);
  });
});
