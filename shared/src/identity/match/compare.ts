import { jaroWinkler } from "../fuzzy";
import type { PreparedPerson } from "./fields";

/**
 * The comparisons the model weighs, each with its levels from the strongest agreement to plain
 * disagreement. A field either record lacks gives level -1: no evidence either way.
 */
export const COMPARISONS = {
  givenName: ["exact", "nickname", "very_similar", "similar", "sounds_alike", "disagree"],
  surname: ["exact", "very_similar", "similar", "sounds_alike", "disagree"],
  postcode: ["exact", "one_digit", "disagree"],
  streetNumber: ["exact", "disagree"],
  street: ["exact", "very_similar", "similar", "disagree"],
  address2: ["exact", "very_similar", "disagree"],
  city: ["exact", "very_similar", "disagree"],
  birthday: ["exact", "one_digit", "disagree"],
  emailLocal: ["exact", "disagree"],
  phone: ["exact", "one_digit", "disagree"],
} as const satisfies Record<string, readonly string[]>;

export type MatchField = keyof typeof COMPARISONS;
export const MATCH_FIELDS = Object.keys(COMPARISONS) as MatchField[];
export type LevelName<F extends MatchField = MatchField> = (typeof COMPARISONS)[F][number];

/** One pair's comparison levels in MATCH_FIELDS order (-1 = missing), and whether the names were swapped. */
export interface PairComparison {
  levels: number[];
  namesSwapped: boolean;
}

const MISSING = -1;
/** Below this Jaro-Winkler two names are different names (Jackson, Jacob: 0.85), not one name with typos. */
const SIMILAR_NAME = 0.88;

/** Same length and one digit changed, or two neighbours transposed (4011 / 4101). */
export function oneEditApart(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  let first = -1;
  let diffs = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (++diffs > 2) return false;
    if (first < 0) first = i;
  }
  if (diffs === 1) return true;
  const j = first + 1;
  return a[first] === b[j] && a[j] === b[first];
}

/** YYYYMMDD dates one digit apart, or with day and month swapped (a US-style entry). */
export function birthdaysClose(a: string, b: string): boolean {
  if (oneEditApart(a, b)) return true;
  return a.slice(0, 4) === b.slice(0, 4) && a.slice(4, 6) === b.slice(6, 8) && a.slice(6, 8) === b.slice(4, 6);
}

function textLevel(a: string, b: string, bands: readonly number[]): number {
  if (!a || !b) return MISSING;
  if (a === b) return 0;
  const similarity = jaroWinkler(a, b);
  for (let i = 0; i < bands.length; i++) if (similarity >= bands[i]!) return i + 1;
  return bands.length + 1;
}

function givenLevel(a: PreparedPerson, aGiven: string, bGiven: string, bFull: string, bCode: string): number {
  if (!aGiven || !bGiven) return MISSING;
  if (aGiven === bGiven) return 0;
  if (a.givenFull === bFull) return 1;
  const similarity = jaroWinkler(aGiven, bGiven);
  if (similarity >= 0.92) return 2;
  if (similarity >= SIMILAR_NAME) return 3;
  return a.givenCode === bCode ? 4 : 5;
}

function surnameLevel(a: string, aCode: string, b: string, bCode: string): number {
  if (!a || !b) return MISSING;
  if (a === b) return 0;
  const similarity = jaroWinkler(a, b);
  if (similarity >= 0.92) return 1;
  if (similarity >= SIMILAR_NAME) return 2;
  return aCode === bCode ? 3 : 4;
}

function codeLevel(a: string, b: string, close: (x: string, y: string) => boolean): number {
  if (!a || !b) return MISSING;
  return a === b ? 0 : close(a, b) ? 1 : 2;
}

function listLevel(as: readonly string[], bs: readonly string[], level: (x: string, y: string) => number): number {
  let best = MISSING;
  for (const x of as)
    for (const y of bs) {
      const l = level(x, y);
      if (l !== MISSING && (best === MISSING || l < best)) best = l;
    }
  return best;
}

const nameScore = (a: string, b: string) => (a && b ? jaroWinkler(a, b) : 0);

/** Compares two prepared people field by field; names typed the other way round are compared aligned. */
export function comparePair(a: PreparedPerson, b: PreparedPerson): PairComparison {
  const straight = nameScore(a.given, b.given) + nameScore(a.surname, b.surname);
  const crossed = nameScore(a.given, b.surname) + nameScore(a.surname, b.given);
  const namesSwapped = crossed > straight + 0.2;
  const bGiven = namesSwapped ? b.surname : b.given;
  const bSurname = namesSwapped ? b.given : b.surname;
  const bGivenFull = namesSwapped ? b.surname : b.givenFull;
  const bGivenCode = namesSwapped ? b.surnameCode : b.givenCode;
  const bSurnameCode = namesSwapped ? b.givenCode : b.surnameCode;
  return {
    namesSwapped,
    levels: [
      givenLevel(a, a.given, bGiven, bGivenFull, bGivenCode),
      surnameLevel(a.surname, a.surnameCode, bSurname, bSurnameCode),
      codeLevel(a.postcode, b.postcode, oneEditApart),
      a.streetNumber && b.streetNumber ? (a.streetNumber === b.streetNumber ? 0 : 1) : MISSING,
      textLevel(a.street, b.street, [0.92, 0.8]),
      textLevel(a.address2, b.address2, [0.9]),
      textLevel(a.city, b.city, [0.9]),
      codeLevel(a.birthday, b.birthday, birthdaysClose),
      // Exact only: "sarah.smith12" and "sarah.smith40" are two accounts, and a local part made of the
      // name would count the name twice.
      listLevel(a.emailLocals, b.emailLocals, (x, y) => (x === y ? 0 : 1)),
      listLevel(a.phoneTails, b.phoneTails, (x, y) => codeLevel(x, y, oneEditApart)),
    ],
  };
}
