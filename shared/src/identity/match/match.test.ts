import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { candidatePairs, forEachCandidatePair } from "./blocking";
import { birthdaysClose, COMPARISONS, comparePair, levelsOf, MATCH_FIELDS, oneEditApart, patternOf } from "./compare";
import { explainMatch } from "./explain";
import { preparePeople, preparePerson, soundex, type MatchPerson } from "./fields";
import { findProbableDuplicates } from "./find";
import { fieldWeight, learnedOnePerson, seededRandom } from "./model";
import { isoBirthday, readFebrl, type FebrlRecord } from "./testing/febrl";

const fromFebrl = (r: FebrlRecord): MatchPerson => ({
  profileId: r.recId,
  firstName: r.givenName,
  lastName: r.surname,
  address1: `${r.streetNumber} ${r.address1}`,
  address2: r.address2,
  city: r.suburb,
  postcode: r.postcode,
  birthday: isoBirthday(r),
});
const febrlShop = () => readFebrl("dataset1").map(fromFebrl);
const level = (a: MatchPerson, b: MatchPerson, field: (typeof MATCH_FIELDS)[number]) => {
  const l = comparePair(preparePerson(a), preparePerson(b)).levels[MATCH_FIELDS.indexOf(field)]!;
  return l < 0 ? "missing" : (COMPARISONS[field] as readonly string[])[l];
};

describe("comparison levels", () => {
  it("a postcode with two digits transposed or one changed is one edit apart; two changes are not", () => {
    expect(oneEditApart("4011", "4101")).toBe(true);
    expect(oneEditApart("4011", "4012")).toBe(true);
    expect(oneEditApart("4011", "4022")).toBe(false);
    expect(oneEditApart("4011", "4011")).toBe(false);
    expect(oneEditApart("4011", "40110")).toBe(false);
    fc.assert(
      fc.property(fc.stringMatching(/^\d{4,6}$/), fc.nat(), (code, at) => {
        const i = at % (code.length - 1);
        const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
        return swapped === code || oneEditApart(code, swapped);
      }),
    );
  });

  it("names that carry different numbers are different names, however alike their letters", () => {
    const guest = (id: string, lastName: string) => ({ profileId: id, firstName: "Guest", lastName });
    expect(level(guest("a", "Walk In 12"), guest("b", "Walk In 13"), "surname")).toBe("disagree");
    expect(level(guest("a", "Up 9753"), guest("b", "Up 9748"), "surname")).toBe("disagree");
    expect(level(guest("a", "Walk In 12"), guest("b", "Walk In 12"), "surname")).toBe("exact");
    const numberedGiven = (id: string, firstName: string) => ({ profileId: id, firstName, lastName: "Visitor" });
    expect(level(numberedGiven("a", "Table4"), numberedGiven("b", "Table5"), "givenName")).toBe("disagree");
    // A number on one side only is a typo like any other ("Sm1th"), not a second person.
    expect(level(guest("a", "Smith"), guest("b", "Sm1th"), "surname")).not.toBe("disagree");
  });

  it("birth dates one digit apart or with day and month swapped are close", () => {
    expect(birthdaysClose("19810203", "19810302")).toBe(true);
    expect(birthdaysClose("19810203", "19810208")).toBe(true);
    expect(birthdaysClose("19810203", "19750911")).toBe(false);
  });

  it("names: soundex, nicknames, typos and swapped order", () => {
    expect(["robert", "rupert", "smith", "smyth"].map(soundex)).toEqual(["r163", "r163", "s530", "s530"]);
    const sarah = { profileId: "a", firstName: "Sarah", lastName: "Smith", postcode: "2000" };
    expect(level(sarah, { profileId: "b", firstName: "Sarha", lastName: "Smith" }, "givenName")).toBe("very_similar");
    const bob = { profileId: "a", firstName: "Bob", lastName: "Lee" };
    expect(level(bob, { profileId: "b", firstName: "Robert", lastName: "Lee" }, "givenName")).toBe("nickname");
    const smithSarah = { profileId: "b", firstName: "Smith", lastName: "Sarah" };
    const swapped = comparePair(preparePerson(sarah), preparePerson(smithSarah));
    expect(swapped.namesSwapped).toBe(true);
    expect(swapped.levels.slice(0, 2)).toEqual([0, 0]);
    expect(level(sarah, { profileId: "b", firstName: null, lastName: "Smith" }, "givenName")).toBe("missing");
    // A whole name typed into the first-name field compares as given name and surname.
    expect(level(sarah, { profileId: "b", firstName: "Sarah Smith", lastName: "" }, "surname")).toBe("exact");
  });

  it("a pattern of levels survives its number form", () => {
    const levelArb = fc.tuple(...MATCH_FIELDS.map((f) => fc.integer({ min: -1, max: COMPARISONS[f].length - 1 })));
    fc.assert(
      fc.property(levelArb, (levels) => {
        expect(levelsOf(patternOf(levels))).toEqual(levels);
      }),
    );
  });
});

describe("blocking", () => {
  const personArb = fc.record({
    profileId: fc.uuid(),
    firstName: fc.constantFrom("ann", "anne", "bob", "", "sarah", "sara"),
    lastName: fc.constantFrom("smith", "smyth", "lee", "", "li"),
    postcode: fc.constantFrom("2000", "2001", "3000", ""),
    birthday: fc.constantFrom("1980-01-02", "1980-02-01", ""),
    address1: fc.constantFrom("1 high st", "12 high street", ""),
  });

  it("visits each pair at most once, in index order", () => {
    fc.assert(
      fc.property(fc.array(personArb, { maxLength: 80 }), (people) => {
        const seen = new Set<string>();
        forEachCandidatePair(
          preparePeople(people),
          (i, j) => {
            expect(i).toBeLessThan(j);
            expect(seen.has(`${i}|${j}`)).toBe(false);
            seen.add(`${i}|${j}`);
          },
          { maxBlockSize: 10 },
        );
      }),
    );
  });

  it("two shares of the blocks visit the same pairs as one pass, within the bound", () => {
    fc.assert(
      fc.property(fc.array(personArb, { maxLength: 80 }), (people) => {
        const pairs = candidatePairs(preparePeople(people), { maxBlockSize: 6, neighbours: 2 });
        const whole: string[] = [];
        pairs.forEach((i, j) => whole.push(`${i}|${j}`));
        const halves: string[] = [];
        for (const index of [0, 1]) pairs.forEach((i, j) => halves.push(`${i}|${j}`), { share: { index, of: 2 } });
        expect(halves.sort()).toEqual(whole.sort());
        expect(whole.length).toBeLessThanOrEqual(pairs.bound);
        let full = 0;
        pairs.forEach(() => full++, { fullBlocksOnly: true });
        expect(full).toBeLessThanOrEqual(pairs.fullBound);
      }),
    );
  });

  it("catches a pair whose postcode and street both carry a typo through the surname rule", () => {
    const people = preparePeople([
      { profileId: "a", firstName: "kayla", lastName: "harrington", postcode: "3465", address1: "5 maltby circuit" },
      { profileId: "b", firstName: "kayla", lastName: "harington", postcode: "3456", address1: "5 maltbby circuit" },
    ]);
    const pairs: string[] = [];
    forEachCandidatePair(people, (i, j) => pairs.push(`${i}|${j}`));
    expect(pairs).toEqual(["0|1"]);
  });

  it("keeps the work near-linear when thousands share a name and a city", { timeout: 60_000 }, () => {
    const crowd = Array.from({ length: 20_000 }, (_, n) => ({
      profileId: `p${n}`,
      firstName: "james",
      lastName: "smith",
      city: "richmond",
      postcode: String(2000 + (n % 50)),
    }));
    let pairs = 0;
    forEachCandidatePair(preparePeople(crowd), () => pairs++);
    expect(pairs).toBeLessThan(crowd.length * 200);
  });
});

describe("the model on a shop's own people", () => {
  const title = "counts disagreement against a pair: a different birth date and street lower the weight";
  it(title, { timeout: 60_000 }, () => {
    const orchard = { lastName: "orchard", postcode: "2617" };
    const charlotte = {
      ...orchard,
      profileId: "x-1",
      firstName: "charlotte",
      address1: "14 banks street",
      birthday: "1961-04-03",
    };
    const charles = { ...orchard, profileId: "x-2", firstName: "charles", address1: "3 kirby place" };
    Object.assign(charles, { birthday: "1993-11-20" });
    const twin = { ...charles, address1: charlotte.address1, birthday: charlotte.birthday };
    const { model } = findProbableDuplicates(febrlShop(), { seed: 7 });
    const apart = findProbableDuplicates([charlotte, charles], { seed: 7, model, minProbability: 0 }).candidates[0]!;
    const together = findProbableDuplicates([charlotte, twin], { seed: 7, model, minProbability: 0 }).candidates[0]!;
    expect(apart.weight).toBeLessThan(together.weight - 8);
    for (const field of ["streetNumber", "street", "birthday", "givenName", "surname", "postcode", "city"] as const) {
      expect(fieldWeight(model, field, COMPARISONS[field].length - 1)).toBeLessThan(0);
    }
    const why = explainMatch(charlotte, charles, apart, model);
    const differs = why.fields.filter((f) => f.verdict === "differs").map((f) => f.field);
    expect(differs).toEqual(["streetNumber", "street", "birthday"]);
    expect(why.summary).toMatch(/; street number, street and birth date differ\.$/);
  });

  it("compares a record that lacks a given name, and explains the pair in words", { timeout: 60_000 }, () => {
    const quennell = {
      lastName: "quennell",
      postcode: "5253",
      address1: "41 tulloch street",
      city: "glenunga",
      birthday: "1987-03-14",
    };
    const shop = [
      ...febrlShop(),
      { ...quennell, profileId: "y-1", firstName: "matilda" },
      { ...quennell, profileId: "y-2", firstName: null },
    ];
    const { candidates, model } = findProbableDuplicates(shop, { seed: 7 });
    const pair = candidates.find((c) => c.profileId === "y-1" && c.otherProfileId === "y-2");
    expect(pair).toBeDefined();
    const why = explainMatch(shop.at(-2)!, shop.at(-1)!, pair!, model);
    expect(why.fields.map((f) => f.field)).not.toContain("givenName");
    const birthday = why.fields.find((f) => f.field === "birthday");
    expect(birthday).toMatchObject({ verdict: "agrees", words: "Same birth date (1987-03-14)" });
    const agreeing = "last name, postcode, street number, street, city and birth date agree";
    expect(why.summary).toMatch(new RegExp(`^\\d+% likely one person: ${agreeing}\\.$`));
  });

  const imported =
    "refuses a model that did not learn one person: an import beside local customers proposes " +
    "none of the imported";
  it(imported, { timeout: 120_000 }, () => {
    // A shop's local customers (ten first names, eight last names, one high street) beside a hundred times as
    // many imported people with only a name and an email: each first name shared by a thousand, each last name
    // by a run of neighbours, never both. The imported blocks are too big to learn from, and u over everyone
    // says the locals' names rarely agree by chance: EM's "match" class became the look-alike locals, most of
    // whom disagree on both names, and scoring with it proposed thousands of imported neighbours.
    const hex = (n: number, salt: number, length: number) => {
      let h = Math.imul(n ^ salt, 0x9e3779b1);
      h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
      return ((h ^ (h >>> 16)) >>> 0).toString(16).padStart(8, "0").slice(0, length);
    };
    const random = seededRandom(11);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const given = ["ava", "noah", "mia", "liam", "zoe", "ines", "omar", "lena", "ravi", "sara"];
    const family = ["garcia", "miller", "rossi", "nguyen", "smith", "kowalski", "okafor", "tanaka"];
    const locals: MatchPerson[] = Array.from({ length: 1000 }, (_, i) => {
      const [first, last] = [pick(given), pick(family)];
      return {
        profileId: `local-${i}`,
        firstName: first,
        lastName: last,
        address1: `${1 + Math.floor(random() * 200)} market st`,
        postcode: String(10000 + Math.floor(random() * 100)),
        emails: [`${first}.${last}${i}@example-mail.com`],
      };
    });
    const importedPeople = Array.from({ length: 100_000 }, (_, g) => ({
      profileId: `imp-${g}`,
      firstName: hex(g % 1009, 17, 7),
      lastName: hex(Math.floor(g / 1009), 91, 8),
      emails: [`imp${g}@mailbox.org`],
    }));
    const shop = [...locals, ...importedPeople];
    const learned = findProbableDuplicates(shop, { seed: 7 });
    expect(learned).toMatchObject({ refused: true, candidates: [] });
    expect(learnedOnePerson(learned.model)).toBe(false);

    // The shop's last sound model (here the locals' own) scores the pairs instead: the locals' pairs, no import.
    const localsAlone = findProbableDuplicates(locals, { seed: 7 });
    expect(localsAlone.refused).toBe(false);
    expect(learnedOnePerson(localsAlone.model)).toBe(true);
    const fallback = findProbableDuplicates(shop, { seed: 7, fallbackModel: localsAlone.model });
    expect(fallback).toMatchObject({ refused: true, model: localsAlone.model });
    const pairOf = (c: { profileId: string; otherProfileId: string }) => `${c.profileId} ${c.otherProfileId}`;
    expect(fallback.candidates.filter((c) => c.profileId.startsWith("imp-"))).toEqual([]);
    expect(fallback.candidates.map(pairOf)).toEqual(localsAlone.candidates.map(pairOf));
  });

  it("learns one person from FEBRL's records: names agree more often than they differ", { timeout: 60_000 }, () => {
    const { model, refused } = findProbableDuplicates(febrlShop(), { seed: 7 });
    expect(refused).toBe(false);
    expect(model.m.givenName[0]).toBeGreaterThan(model.m.givenName.at(-1)!);
    expect(model.m.surname[0]).toBeGreaterThan(model.m.surname.at(-1)!);
  });

  it("repeats exactly for the same shop and seed", { timeout: 60_000 }, () => {
    const shop = febrlShop().slice(0, 400);
    expect(findProbableDuplicates(shop, { seed: 3 })).toEqual(findProbableDuplicates([...shop], { seed: 3 }));
  });
});
