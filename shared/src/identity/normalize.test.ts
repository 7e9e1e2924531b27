import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultShopSettings } from "../settings";
import {
  IDENTIFIER_KINDS,
  identifierKey,
  identifierStrength,
  normalizeEmail,
  normalizeIdentifiers,
  normalizePhone,
  normalizeShopifyCustomerId,
  searchedIdentifier,
} from "./normalize";

const junk = defaultShopSettings().junkIdentifiers;
const ctx = { defaultCountry: "US", junk };

describe("identifierStrength", () => {
  it("ranks Shopify ID > email = marketplace > phone > device", () => {
    expect(IDENTIFIER_KINDS.map(identifierStrength)).toEqual([4, 3, 3, 2, 1]);
  });
});

describe("normalizeEmail", () => {
  it("trims and lower-cases", () => {
    expect(normalizeEmail("  Sarah.Smith+shop@Work.COM ", junk)).toBe("sarah.smith+shop@work.com");
  });

  it.each([
    "",
    "   ",
    null,
    undefined,
    "sarah",
    "sarah@gmail",
    "sarah gmail.com",
    "sarah@@gmail.com",
    "a@b..com",
    "n/a",
  ])("refuses %j as not an email", (raw) => expect(normalizeEmail(raw, junk)).toBeNull());

  it.each([
    "test@test.com",
    "TEST@TEST.COM",
    "no@email.com",
    "noemail@gmail.com",
    "NoEmail@shop.co.uk",
    "email@email.com",
  ])("refuses the placeholder %s", (raw) => expect(normalizeEmail(raw, junk)).toBeNull());

  it.each(["jane@example.com", "jane@example.org", "x@shop.test", "none@hotmail.com", "unknown@gmail.com"])(
    "refuses %s even when the shop's list forgets it",
    (raw) => expect(normalizeEmail(raw, [])).toBeNull(),
  );

  it("applies the shop's own junk entries, whole address, local part or domain", () => {
    const shopJunk = ["walkin@store.com", "cashier@", "@mystore.com"];
    expect(normalizeEmail("Walkin@Store.com", shopJunk)).toBeNull();
    expect(normalizeEmail("cashier@gmail.com", shopJunk)).toBeNull();
    expect(normalizeEmail("anyone@mystore.com", shopJunk)).toBeNull();
    expect(normalizeEmail("sarah@store.com", shopJunk)).toBe("sarah@store.com");
  });

  it("is idempotent", () => {
    fc.assert(
      fc.property(fc.emailAddress(), (raw) => {
        const once = normalizeEmail(raw, junk);
        if (once !== null) expect(normalizeEmail(once, junk)).toBe(once);
      }),
    );
  });

  it("ignores case and surrounding blanks", () => {
    fc.assert(
      fc.property(fc.emailAddress(), fc.boolean(), (raw, upper) => {
        const messy = ` ${upper ? raw.toUpperCase() : raw}\t`;
        expect(normalizeEmail(messy, junk)).toBe(normalizeEmail(raw, junk));
      }),
    );
  });
});

describe("normalizePhone", () => {
  it("formats to E.164 with the shop's default country", () => {
    expect(normalizePhone("(415) 555-2671", "US", junk)).toBe("+14155552671");
    expect(normalizePhone("020 7946 0958", "GB", junk)).toBe("+442079460958");
    expect(normalizePhone("+44 20 7946 0958", "US", junk)).toBe("+442079460958");
  });

  it.each(["0000000000", "000-000-0000", "1234567890", "(222) 222-2222", "n/a", "", null, undefined, "12", "call me"])(
    "refuses %j",
    (raw) => expect(normalizePhone(raw, "US", junk)).toBeNull(),
  );

  it("applies the shop's junk list in any formatting", () => {
    expect(normalizePhone("+1 415-555-2671", "US", ["4155552671"])).toBeNull();
    expect(normalizePhone("415.555.2671", "US", ["+14155552671"])).toBeNull();
  });

  it("refuses an unknown default country instead of throwing", () => {
    expect(normalizePhone("4155552671", "ZZ", junk)).toBeNull();
  });

  it("gives the same number however the clerk typed it", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("(415) 555-2671", "415-555-2671", "415.555.2671", "+1 415 555 2671", "1 415 555 2671"),
        (raw) => {
          expect(normalizePhone(raw, "US", junk)).toBe("+14155552671");
        },
      ),
    );
  });

  it("never returns anything but E.164 or null", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (raw) => {
        const phone = normalizePhone(raw, "US", junk);
        if (phone !== null) expect(phone).toMatch(/^\+[1-9]\d{6,14}$/);
      }),
    );
  });
});

describe("normalizeShopifyCustomerId", () => {
  it("accepts plain IDs, numbers and GraphQL GIDs", () => {
    expect(normalizeShopifyCustomerId("123")).toBe("123");
    expect(normalizeShopifyCustomerId(123)).toBe("123");
    expect(normalizeShopifyCustomerId(" gid://shopify/Customer/123 ")).toBe("123");
  });

  it.each(["", "0", 0, -5, 1.5, "gid://shopify/Order/123", "abc", null])("refuses %j", (raw) =>
    expect(normalizeShopifyCustomerId(raw)).toBeNull(),
  );
});

describe("normalizeIdentifiers", () => {
  it("normalises every kind, strongest first", () => {
    expect(
      normalizeIdentifiers(
        {
          deviceId: " d-1 ",
          phone: "415 555 2671",
          email: "Sarah@Work.com",
          shopifyCustomerId: "gid://shopify/Customer/77",
          marketplaceId: "amzn-42",
        },
        ctx,
      ),
    ).toEqual([
      { kind: "shopify", value: "77" },
      { kind: "email", value: "sarah@work.com" },
      { kind: "marketplace", value: "amzn-42" },
      { kind: "phone", value: "+14155552671" },
      { kind: "device", value: "d-1" },
    ]);
  });

  it("drops blanks and junk", () => {
    expect(
      normalizeIdentifiers(
        { email: "test@test.com", phone: "0000000000", deviceId: "  ", marketplaceId: "N/A", shopifyCustomerId: null },
        ctx,
      ),
    ).toEqual([]);
  });

  it("never treats the store's own devices as customers", () => {
    const storeDeviceIds = ["tablet-front-desk", "pos-1"];
    expect(normalizeIdentifiers({ deviceId: "pos-1", email: "a@shop.io" }, { ...ctx, storeDeviceIds })).toEqual([
      { kind: "email", value: "a@shop.io" },
    ]);
  });

  it("keys identifiers by kind and value", () => {
    expect(identifierKey({ kind: "email", value: "sarah@x.com" })).toBe("email:sarah@x.com");
  });
});

describe("searchedIdentifier", () => {
  it("reads an email or a phone with five digits or more, else a name search", () => {
    expect(searchedIdentifier(" Sarah@Shopper.IO ", "US")).toBe("sarah@shopper.io");
    expect(searchedIdentifier("+351 912 345 678", "PT")).toBe("+351912345678");
    expect(searchedIdentifier("Ann", "US")).toBeNull();
    expect(searchedIdentifier("Flat 4", "US")).toBeNull();
  });
});
