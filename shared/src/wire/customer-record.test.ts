import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readCustomerRecord } from "./customer-record";
import { webhookCustomerSchema } from "./webhooks";

const anyValue = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 6 }),
  fc.constant([]),
  fc.constant({}),
);
const text = fc.oneof(fc.constant(null), fc.constant(undefined), fc.string({ maxLength: 12 }), anyValue);
const time = fc.oneof(
  fc.constantFrom(
    "2025-01-02T03:04:05Z",
    "2025-01-02T03:04:05.123-05:00",
    "2025-13-02T03:04:05Z",
    "2025-01-02T03:04:05",
    "2025-01-02",
    "2025-01-02T03:04:05+0100",
    "2024-02-30T00:00:00Z",
  ),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  text,
);
const id = fc.oneof(
  fc.integer(),
  fc.constantFrom(2 ** 60, 1.5, -3, "123", "0012", "", "12a", "gid://shopify/Customer/1"),
  anyValue,
);
const address = fc.oneof(
  anyValue,
  fc.record({ zip: text, address1: text, country_code: text, extra: anyValue }, { requiredKeys: [] }),
);
const record = fc.oneof(
  fc.record(
    {
      id,
      email: text,
      phone: text,
      first_name: text,
      last_name: text,
      updated_at: time,
      created_at: time,
      default_address: address,
      tags: anyValue,
    },
    { requiredKeys: [] },
  ),
  anyValue,
);

describe("readCustomerRecord", () => {
  it("accepts and reads exactly what webhookCustomerSchema does", () => {
    fc.assert(
      fc.property(record, (value) => {
        const schema = webhookCustomerSchema.safeParse(value);
        const read = readCustomerRecord(value);
        expect(read.ok).toBe(schema.success);
        if (!read.ok || !schema.success) return;
        const c = schema.data;
        expect(read.customer).toEqual({
          id: c.id,
          email: c.email,
          phone: c.phone,
          first_name: c.first_name,
          last_name: c.last_name,
          updated_at: c.updated_at,
          created_at: c.created_at,
          default_address: c.default_address && {
            zip: c.default_address.zip,
            address1: c.default_address.address1,
            country_code: c.default_address.country_code,
          },
        });
      }),
      { numRuns: 3000 },
    );
  });

  it("names what is wrong", () => {
    expect(readCustomerRecord({ id: "abc", updated_at: "yesterday" })).toEqual({
      ok: false,
      issues: expect.arrayContaining([expect.stringMatching(/^id: /), expect.stringMatching(/^updated_at: /)]),
    });
  });
});
