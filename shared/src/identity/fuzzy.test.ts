import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { duplicateScanComparisons, jaroWinkler, probableDuplicates, type PersonForMatching } from "./fuzzy";

describe("jaroWinkler", () => {
  it("matches the textbook values", () => {
    expect(jaroWinkler("martha", "marhta")).toBeCloseTo(0.961, 3);
    expect(jaroWinkler("dixon", "dicksonx")).toBeCloseTo(0.813, 3);
    expect(jaroWinkler("abc", "abc")).toBe(1);
    expect(jaroWinkler("abc", "")).toBe(0);
  });

  it("is symmetric and between 0 and 1", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const s = jaroWinkler(a, b);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(jaroWinkler(b, a)).toBeCloseTo(s, 10);
      }),
    );
  });
});

describe("probableDuplicates", () => {
  it("proposes similar names at the same postcode", () => {
    expect(
      probableDuplicates([
        { profileId: "p2", firstName: "Sara", lastName: "Smith", postcode: "sw1a 1aa" },
        { profileId: "p1", firstName: "Sarah", lastName: "Smith", postcode: "SW1A1AA" },
      ]),
    ).toEqual([
      {
        profileId: "p1",
        otherProfileId: "p2",
        score: 0.88,
        reason: "Similar names (Sarah Smith, Sara Smith) and the same postcode SW1A1AA.",
      },
    ]);
  });

  it("understands nicknames, accents, swapped fields and street abbreviations", () => {
    const found = probableDuplicates([
      { profileId: "a", firstName: "Bob", lastName: "Müller", address1: "12 High Street" },
      { profileId: "b", firstName: "Robert", lastName: "Muller", address1: "12 high st." },
      { profileId: "c", firstName: "Zoë Ng", lastName: null, birthday: "1990-04-01" },
      { profileId: "d", firstName: "Ng", lastName: "Zoe", birthday: "19900401" },
    ]);
    expect(found.map((d) => [d.profileId, d.otherProfileId])).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
    expect(found[0]!.reason).toBe("Similar names (Bob Müller, Robert Muller) and the same address 12 High Street.");
  });

  it("does not propose different people at the same address, or the same name with nothing else shared", () => {
    expect(
      probableDuplicates([
        { profileId: "dad", firstName: "John", lastName: "Smith", address1: "1 Elm St", postcode: "90210" },
        { profileId: "mum", firstName: "Jane", lastName: "Smith", address1: "1 Elm St", postcode: "90210" },
        { profileId: "far", firstName: "John", lastName: "Smith", postcode: "10001" },
        { profileId: "anon", firstName: "John", postcode: "90210" },
      ]),
    ).toEqual([]);
  });

  it("scores higher the more facts are shared", () => {
    const [found] = probableDuplicates([
      {
        profileId: "a",
        firstName: "Ana",
        lastName: "Lopez",
        postcode: "28001",
        address1: "Calle Mayor 1",
        birthday: "1985-02-03",
      },
      {
        profileId: "b",
        firstName: "Ana",
        lastName: "Lopez",
        postcode: "28001",
        address1: "Calle Mayor 1",
        birthday: "1985-02-03",
      },
    ]);
    expect(found).toMatchObject({
      score: 1,
      reason: "The same name (Ana Lopez) and the same postcode 28001, address Calle Mayor 1 and birth date 1985-02-03.",
    });
  });

  it("keeps work near-linear when a whole city shares one postcode", () => {
    const city = Array.from(
      { length: 5000 },
      (_, n): PersonForMatching => ({
        profileId: `p${n}`,
        firstName: `Name${n % 97}`,
        lastName: `Family${n}`,
        postcode: "10001",
      }),
    );
    expect(duplicateScanComparisons(city, { maxBlockSize: 50 })).toBeLessThanOrEqual(5000 * 50);
    expect(duplicateScanComparisons(city.slice(0, 40), { maxBlockSize: 50 })).toBe((40 * 39) / 2);
  });

  const personArb = fc.record({
    profileId: fc.constantFrom("p1", "p2", "p3", "p4", "p5", "p6"),
    firstName: fc.constantFrom("Sarah", "Sara", "Bob", "Robert", null),
    lastName: fc.constantFrom("Smith", "Smyth", "Jones", null),
    postcode: fc.constantFrom("10001", "10002", null),
    address1: fc.constantFrom("1 Elm St", null),
    birthday: fc.constantFrom("1990-01-01", null),
  });

  it("returns ordered, unique pairs that always share a postcode, address or birth date", () => {
    fc.assert(
      fc.property(fc.array(personArb, { maxLength: 12 }), (people) => {
        const found = probableDuplicates(people);
        const keys = found.map((d) => `${d.profileId}|${d.otherProfileId}`);
        expect(new Set(keys).size).toBe(keys.length);
        for (const d of found) {
          expect(d.profileId < d.otherProfileId).toBe(true);
          expect(d.score).toBeGreaterThan(0);
          expect(d.score).toBeLessThanOrEqual(1);
          const shareSomething = people.some(
            (a) =>
              a.profileId === d.profileId &&
              people.some(
                (b) =>
                  b.profileId === d.otherProfileId &&
                  ((a.postcode && a.postcode === b.postcode) ||
                    (a.address1 && a.address1 === b.address1) ||
                    (a.birthday && a.birthday === b.birthday)),
              ),
          );
          expect(shareSomething).toBe(true);
        }
      }),
    );
  });

  it("does not depend on the order people are listed in", () => {
    fc.assert(
      fc.property(
        fc
          .array(personArb, { maxLength: 10 })
          .chain((people) =>
            fc.tuple(
              fc.constant(people),
              fc.shuffledSubarray(people, { minLength: people.length, maxLength: people.length }),
            ),
          ),
        ([people, shuffled]) => {
          // Distinct IDs: a profile listed twice with different details is the caller's bug, not an order question.
          const unique = (list: typeof people) =>
            list.filter((p, i) => list.findIndex((q) => q.profileId === p.profileId) === i);
          const ids = new Set(unique(people).map((p) => p));
          expect(probableDuplicates(shuffled.filter((p) => ids.has(p)))).toEqual(probableDuplicates(unique(people)));
        },
      ),
    );
  });
});
