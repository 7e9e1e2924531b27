import { describe, expect, it } from "vitest";
import { birthDateOf, readCustomerRecord } from "./customer-record";

describe("what duplicate detection reads from a customer record", () => {
  const base = {
    id: 7,
    email: null,
    phone: null,
    first_name: "Ann",
    last_name: "Lee",
    updated_at: null,
    created_at: null,
  };

  it("reads the default address's second line and city, and the facts.birth_date metafield", () => {
    const read = readCustomerRecord({
      ...base,
      default_address: { zip: "2000", address1: "1 High St", address2: "Unit 4", city: "Sydney", country_code: "AU" },
      metafields: [
        { namespace: "custom", key: "x", value: "y" },
        { namespace: "facts", key: "birth_date", type: "date", value: "1980-02-03" },
      ],
    });
    expect(read).toMatchObject({
      ok: true,
      customer: { default_address: { address2: "Unit 4", city: "Sydney" }, birthday: "1980-02-03" },
    });
  });

  it("ignores a malformed birth date instead of refusing the customer", () => {
    expect(birthDateOf([{ namespace: "facts", key: "birth_date", value: "3 Feb 1980" }])).toBeNull();
    expect(birthDateOf("nope")).toBeNull();
    const metafields = [{ namespace: "facts", key: "birth_date", value: 19800203 }];
    const read = readCustomerRecord({ ...base, default_address: null, metafields });
    expect(read.ok && read.customer.birthday).toBeFalsy();
  });

  it("refuses a city that is not text, as it refuses a postcode that is not", () => {
    expect(readCustomerRecord({ ...base, default_address: { zip: "2000", city: 12 } }).ok).toBe(false);
  });
});
