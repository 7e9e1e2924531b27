import { describe, expect, it } from "vitest";
import { findProbableDuplicates } from "./find";
import { pairKey, readFebrl, scores, truePairs, isoBirthday, type FebrlRecord } from "./testing/febrl";

const person = (r: FebrlRecord) => ({
  profileId: r.recId,
  firstName: r.givenName,
  lastName: r.surname,
  address1: `${r.streetNumber} ${r.address1}`,
  address2: r.address2,
  city: r.suburb,
  postcode: r.postcode,
  birthday: isoBirthday(r),
});

const found = (candidates: readonly { profileId: string; otherProfileId: string }[]) =>
  new Set(candidates.map((c) => pairKey(c.profileId, c.otherProfileId)));

// The model alone on both FEBRL sets, from the fields a Shopify customer carries (no social security number).
describe("match model on FEBRL", () => {
  for (const [name, minF1] of [
    ["dataset1", 0.95],
    ["dataset2", 0.95],
  ] as const) {
    it(`${name}: F1 at least ${minF1}, learned from the records alone`, { timeout: 60_000 }, () => {
      const records = readFebrl(name);
      const { candidates, comparisons } = findProbableDuplicates(records.map(person), { seed: 19 });
      const s = scores(
        found(candidates),
        truePairs(records, (r) => r.recId),
      );
      console.log(`FEBRL ${name} (model only): ${JSON.stringify({ ...s, comparisons })}`);
      expect(s.f1).toBeGreaterThanOrEqual(minF1);
      expect(s.precision).toBeGreaterThanOrEqual(0.98);
      // Blocking keeps the work near-linear: a few comparisons per record, never n².
      expect(comparisons).toBeLessThan(records.length * 10);
    });
  }

  it("without birthdays (customers who never gave one) it still finds most duplicates", { timeout: 60_000 }, () => {
    const records = readFebrl("dataset2");
    const { candidates } = findProbableDuplicates(
      records.map((r) => ({ ...person(r), birthday: null })),
      { seed: 19 },
    );
    const s = scores(
      found(candidates),
      truePairs(records, (r) => r.recId),
    );
    console.log(`FEBRL dataset2 without birthdays: ${JSON.stringify(s)}`);
    expect(s.f1).toBeGreaterThanOrEqual(0.9);
  });
});
