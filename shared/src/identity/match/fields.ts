import { NICKNAMES } from "../fuzzy";

/**
 * A customer as the match model reads them: what a Shopify customer record carries (names, default
 * address, birthday when captured in store) plus the local parts of their emails and phones.
 */
export interface MatchPerson {
  profileId: string;
  firstName?: string | null;
  lastName?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  postcode?: string | null;
  birthday?: string | null;
  emails?: readonly string[];
  phones?: readonly string[];
}

/** The same person, normalised once so that comparing a pair is only string work. */
export interface PreparedPerson {
  profileId: string;
  given: string;
  surname: string;
  /** A nickname's full name ("bob" -> "robert"), else the given name. */
  givenFull: string;
  givenCode: string;
  surnameCode: string;
  /** The digits in each name ("" for none): "Guest 12" and "Guest 13" are two people (see `compare.ts`). */
  givenDigits: string;
  surnameDigits: string;
  streetNumber: string;
  street: string;
  address2: string;
  city: string;
  postcode: string;
  /** YYYYMMDD, or "" when absent or unreadable. */
  birthday: string;
  emailLocals: string[];
  phoneTails: string[];
  /**
   * Numbers for the texts compared by similarity (equal text, equal number, within one `textNumbers`), so
   * a scan measures each pair of names once; -1 when prepared without one.
   */
  givenId: number;
  surnameId: number;
  streetId: number;
  address2Id: number;
  cityId: number;
  source: MatchPerson;
}

/** Numbers texts in the order first seen: the same text always gets the same number. */
export type TextNumbers = (text: string) => number;

export function textNumbers(): TextNumbers {
  const numbers = new Map<string, number>();
  return (text) => {
    let n = numbers.get(text);
    if (n === undefined) {
      n = numbers.size;
      numbers.set(text, n);
    }
    return n;
  };
}

const unnumbered: TextNumbers = () => -1;

const PLAIN = /^[a-z0-9]+(?: [a-z0-9]+)*$/;

export const plainText = (s: string | null | undefined): string =>
  // Most values are plain already: skip the Unicode work (a million customers per scan).
  s == null
    ? ""
    : PLAIN.test(s)
      ? s
      : s
          .normalize("NFKD")
          .replace(/[\u0300-\u036f]/g, "")
          .toLowerCase()
          .replace(/[^a-z0-9 ]+/g, " ")
          .replace(/\s+/g, " ")
          .trim();

const STREET_WORDS: Record<string, string> = {
  street: "st",
  avenue: "ave",
  road: "rd",
  lane: "ln",
  drive: "dr",
  boulevard: "blvd",
  court: "ct",
  place: "pl",
  crescent: "cres",
  circuit: "cct",
  terrace: "tce",
  parade: "pde",
  highway: "hwy",
  close: "cl",
  apartment: "apt",
  suite: "ste",
  north: "n",
  south: "s",
  east: "e",
  west: "w",
};

const SOUNDEX_CODES: Record<string, string> = {
  b: "1",
  f: "1",
  p: "1",
  v: "1",
  c: "2",
  g: "2",
  j: "2",
  k: "2",
  q: "2",
  s: "2",
  x: "2",
  z: "2",
  d: "3",
  t: "3",
  l: "4",
  m: "5",
  n: "5",
  r: "6",
};

/** American Soundex: names that sound alike share a code ("smith", "smyth" -> s530). */
export function soundex(word: string): string {
  const s = word.replace(/[^a-z]/g, "");
  if (s.length === 0) return "";
  let out = s[0]!;
  let last = SOUNDEX_CODES[s[0]!] ?? "";
  for (let i = 1; i < s.length && out.length < 4; i++) {
    const ch = s[i]!;
    const code = SOUNDEX_CODES[ch] ?? "";
    if (code && code !== last) out += code;
    // h and w do not separate two letters of one code; vowels do.
    if (ch !== "h" && ch !== "w") last = code;
  }
  return out.padEnd(4, "0");
}

function readBirthday(s: string | null | undefined): string {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec((s ?? "").trim());
  return m ? `${m[1]}${m[2]}${m[3]}` : "";
}

function splitStreet(address1: string): { number: string; street: string } {
  const words = address1.split(" ").filter(Boolean);
  const numbers: string[] = [];
  const rest: string[] = [];
  for (const w of words) (/^\d+[a-z]?$/.test(w) && rest.length === 0 ? numbers : rest).push(STREET_WORDS[w] ?? w);
  return { number: numbers.join(" "), street: rest.join(" ") };
}

const digitsOf = (name: string) => name.replace(/\D/g, "");

export function preparePerson(person: MatchPerson, numberOf: TextNumbers = unnumbered): PreparedPerson {
  let given = plainText(person.firstName);
  let surname = plainText(person.lastName);
  // A whole name typed into one field ("Sarah Smith" / "") compares as given name and surname.
  const whole = !surname ? given : !given ? surname : "";
  if (whole.includes(" ")) [given, surname] = [whole.slice(0, whole.indexOf(" ")), whole.slice(whole.indexOf(" ") + 1)];
  const { number, street } = splitStreet(plainText(person.address1));
  const address2 = plainText(person.address2);
  const city = plainText(person.city);
  return {
    profileId: person.profileId,
    given,
    surname,
    givenFull: NICKNAMES[given] ?? given,
    givenCode: soundex(given),
    surnameCode: soundex(surname),
    givenDigits: digitsOf(given),
    surnameDigits: digitsOf(surname),
    streetNumber: number,
    street,
    address2,
    city,
    postcode: (person.postcode ?? "").toUpperCase().replace(/[^A-Z0-9]/g, ""),
    birthday: readBirthday(person.birthday),
    emailLocals: (person.emails ?? []).map((e) => plainText(e.split("@")[0]).replace(/ /g, "")).filter(Boolean),
    phoneTails: (person.phones ?? []).map((p) => p.replace(/\D/g, "").slice(-8)).filter((p) => p.length >= 6),
    givenId: numberOf(given),
    surnameId: numberOf(surname),
    streetId: numberOf(street),
    address2Id: numberOf(address2),
    cityId: numberOf(city),
    source: person,
  };
}

/** A shop's people prepared together: their texts share one numbering, for the scan's similarity memo. */
export function preparePeople(people: readonly MatchPerson[]): PreparedPerson[] {
  const numberOf = textNumbers();
  return people.map((p) => preparePerson(p, numberOf));
}
