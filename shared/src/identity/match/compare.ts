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

/**
 * Jaro-Winkler of two texts, given their numbers from one `textNumbers` (-1 when unnumbered): a scan asks
 * it for the same few thousand names millions of times.
 */
export type Similarity = (a: string, aId: number, b: string, bId: number) => number;

const measured: Similarity = (a, _aId, b) => jaroWinkler(a, b);

/** A Similarity that remembers each pair of numbered texts it measured (one small map per first text). */
export function rememberedSimilarity(): Similarity {
  const rows: (Map<number, number> | undefined)[] = [];
  return (a, aId, b, bId) => {
    if (aId < 0 || bId < 0) return jaroWinkler(a, b);
    let row = rows[aId];
    if (row === undefined) {
      row = new Map();
      rows[aId] = row;
    }
    let s = row.get(bId);
    if (s === undefined) {
      s = jaroWinkler(a, b);
      row.set(bId, s);
    }
    return s;
  };
}

function textLevel(a: string, aId: number, b: string, bId: number, bands: readonly number[], sim: Similarity) {
  if (!a || !b) return MISSING;
  if (a === b) return 0;
  const similarity = sim(a, aId, b, bId);
  for (let i = 0; i < bands.length; i++) if (similarity >= bands[i]!) return i + 1;
  return bands.length + 1;
}

/**
 * Two names that both carry a number, and not the same one: "Guest 12" and "Guest 13" (placeholders staff type
 * at a register, a pop-up's numbered captures) are two people however alike the letters are; to Jaro-Winkler
 * and Soundex they were one name, and a tablet's 10,000 numbered captures proposed 48,082 pairs.
 */
const numberedApart = (x: string, y: string) => x !== y && x !== "" && y !== "";

// b's name parts are compared with a's the other way round when b's names were typed swapped.
function givenLevel(a: PreparedPerson, b: PreparedPerson, swapped: boolean, sim: Similarity): number {
  const bGiven = swapped ? b.surname : b.given;
  if (!a.given || !bGiven) return MISSING;
  if (a.given === bGiven) return 0;
  if (numberedApart(a.givenDigits, swapped ? b.surnameDigits : b.givenDigits)) return 5;
  if (a.givenFull === (swapped ? b.surname : b.givenFull)) return 1;
  const similarity = sim(a.given, a.givenId, bGiven, swapped ? b.surnameId : b.givenId);
  if (similarity >= 0.92) return 2;
  if (similarity >= SIMILAR_NAME) return 3;
  return a.givenCode === (swapped ? b.surnameCode : b.givenCode) ? 4 : 5;
}

function surnameLevel(a: PreparedPerson, b: PreparedPerson, swapped: boolean, sim: Similarity): number {
  const bSurname = swapped ? b.given : b.surname;
  if (!a.surname || !bSurname) return MISSING;
  if (a.surname === bSurname) return 0;
  if (numberedApart(a.surnameDigits, swapped ? b.givenDigits : b.surnameDigits)) return 4;
  const similarity = sim(a.surname, a.surnameId, bSurname, swapped ? b.givenId : b.surnameId);
  if (similarity >= 0.92) return 1;
  if (similarity >= SIMILAR_NAME) return 2;
  return a.surnameCode === (swapped ? b.givenCode : b.surnameCode) ? 3 : 4;
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

const nameScore = (a: string, aId: number, b: string, bId: number, sim: Similarity) =>
  a && b ? sim(a, aId, b, bId) : 0;

/** Whether b's names were typed the other way round: crossed they are clearly more alike than straight. */
function namesSwapped(a: PreparedPerson, b: PreparedPerson, sim: Similarity): boolean {
  // Both parts equal: nothing crossed can beat that.
  if (a.given && a.given === b.given && a.surname === b.surname) return false;
  const straight =
    nameScore(a.given, a.givenId, b.given, b.givenId, sim) +
    nameScore(a.surname, a.surnameId, b.surname, b.surnameId, sim);
  const crossed =
    nameScore(a.given, a.givenId, b.surname, b.surnameId, sim) +
    nameScore(a.surname, a.surnameId, b.given, b.givenId, sim);
  return crossed > straight + 0.2;
}

const STREET_BANDS = [0.92, 0.8];
const ADDRESS2_BANDS = [0.9];
const CITY_BANDS = [0.9];
const exactLevel = (x: string, y: string) => (x === y ? 0 : 1);
const phoneLevel = (x: string, y: string) => codeLevel(x, y, oneEditApart);

/**
 * Writes the pair's levels (MATCH_FIELDS order) into `levels` and answers whether the names were swapped:
 * the scan's inner loop, which allocates nothing.
 */
export function compareInto(a: PreparedPerson, b: PreparedPerson, levels: number[], sim: Similarity): boolean {
  const swapped = namesSwapped(a, b, sim);
  levels[0] = givenLevel(a, b, swapped, sim);
  levels[1] = surnameLevel(a, b, swapped, sim);
  levels[2] = codeLevel(a.postcode, b.postcode, oneEditApart);
  levels[3] = a.streetNumber && b.streetNumber ? (a.streetNumber === b.streetNumber ? 0 : 1) : MISSING;
  levels[4] = textLevel(a.street, a.streetId, b.street, b.streetId, STREET_BANDS, sim);
  levels[5] = textLevel(a.address2, a.address2Id, b.address2, b.address2Id, ADDRESS2_BANDS, sim);
  levels[6] = textLevel(a.city, a.cityId, b.city, b.cityId, CITY_BANDS, sim);
  levels[7] = codeLevel(a.birthday, b.birthday, birthdaysClose);
  // Exact only: "sarah.smith12" and "sarah.smith40" are two accounts, and a local part made of the
  // name would count the name twice.
  levels[8] = listLevel(a.emailLocals, b.emailLocals, exactLevel);
  levels[9] = listLevel(a.phoneTails, b.phoneTails, phoneLevel);
  return swapped;
}

/** Compares two prepared people field by field; names typed the other way round are compared aligned. */
export function comparePair(a: PreparedPerson, b: PreparedPerson, sim: Similarity = measured): PairComparison {
  const levels = new Array<number>(MATCH_FIELDS.length).fill(MISSING);
  const namesSwapped = compareInto(a, b, levels, sim);
  return { levels, namesSwapped };
}

const RADIX = 8;

/** A pair's levels as one number, so a shop's millions of pairs fold into a few thousand patterns. */
export function patternOf(levels: readonly number[]): number {
  let code = 0;
  for (let f = MATCH_FIELDS.length - 1; f >= 0; f--) code = code * RADIX + (levels[f]! + 1);
  return code;
}

export function levelsOf(pattern: number): number[] {
  const levels: number[] = [];
  for (let f = 0; f < MATCH_FIELDS.length; f++) {
    levels.push((pattern % RADIX) - 1);
    pattern = Math.floor(pattern / RADIX);
  }
  return levels;
}
