import { COMPARISONS, MATCH_FIELDS, comparePair, type MatchField, type Similarity } from "./compare";
import type { PreparedPerson } from "./fields";

/**
 * A Fellegi-Sunter model: per field and level, m = how often true duplicates compare at that level and
 * u = how often two different people do. A pair's match weight is the sum of log2(m/u) over the fields
 * both records carry, so agreement on a rare value counts for much, and disagreement counts against.
 */
export interface MatchModel {
  m: Record<MatchField, number[]>;
  u: Record<MatchField, number[]>;
  /** Share of blocked pairs that are one person, as EM estimated it. */
  matchShare: number;
  /** How many blocked pairs and random pairs the estimate rests on. */
  trainedOn: { pairs: number; randomPairs: number };
}

const U_PRIOR_PAIRS = 200;
const FIELD_COUNT = MATCH_FIELDS.length;

/** Deterministic pseudo-random numbers (mulberry32): the caller passes the seed, so runs repeat. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const perField = <T>(make: (field: MatchField, levels: number) => T): Record<MatchField, T> =>
  Object.fromEntries(MATCH_FIELDS.map((f) => [f, make(f, COMPARISONS[f].length)])) as Record<MatchField, T>;

/** Starting m (and the prior of a shop too small to train): most duplicates agree exactly, fewer disagree. */
const startingM = (levels: number): number[] => spread(levels, 8, 0.5);

/**
 * Where EM starts: near the duplicates' mode, with exact agreement dominant. From the milder prior above EM
 * settled, in a shop of a million, on a larger look-alike class (strangers sharing a name and a city).
 */
const emStart = (levels: number): number[] => spread(levels, 30, 0.3);

function spread(levels: number, exact: number, disagree: number): number[] {
  const raw = Array.from({ length: levels }, (_, l) => (l === 0 ? exact : l === levels - 1 ? disagree : 1));
  const total = raw.reduce((s, x) => s + x, 0);
  return raw.map((x) => x / total);
}

/**
 * u from random pairs of the shop's own people: two random customers are almost never one person, so
 * how often they agree is the chance agreement. Counts are smoothed so a level never seen is rare, not impossible.
 */
export function estimateU(
  people: readonly PreparedPerson[],
  random: () => number,
  samples = 100_000,
  sim?: Similarity,
): {
  u: Record<MatchField, number[]>;
  randomPairs: number;
} {
  const counts = perField((_, levels) => new Array<number>(levels).fill(0));
  const n = people.length;
  let randomPairs = 0;
  if (n >= 2) {
    const wanted = Math.min(samples, (n * (n - 1)) / 2);
    for (let s = 0; s < wanted; s++) {
      const i = Math.floor(random() * n);
      let j = Math.floor(random() * (n - 1));
      if (j >= i) j++;
      const { levels } = comparePair(people[i]!, people[j]!, sim);
      MATCH_FIELDS.forEach((field, f) => {
        if (levels[f]! >= 0) counts[field][levels[f]!]!++;
      });
      randomPairs++;
    }
  }
  const u = perField((field) => {
    const c = counts[field];
    const levels = c.length;
    const seen = c.reduce((s, x) => s + x, 0);
    // A prior of pseudo-pairs in which chance agreement is rare: a shop of a few customers (whose
    // random pairs may be the very duplicates) leans on it; a shop of thousands barely notices it.
    const prior = Array.from({ length: levels }, (_, l) => (l === levels - 1 ? 1 - 0.02 * (levels - 1) : 0.02));
    return c.map((x, l) => (x + U_PRIOR_PAIRS * prior[l]!) / (seen + U_PRIOR_PAIRS));
  });
  return { u, randomPairs };
}

/** A pattern of levels and the blocking rules whose keys the pairs share, with how many pairs had it. */
export interface PatternCount {
  levels: number[];
  rules: number;
  count: number;
}

const PSEUDO_PAIRS = 5;

function expectation(
  entries: readonly { levels: readonly number[]; count: number }[],
  m: Record<MatchField, number[]>,
  u: Record<MatchField, number[]>,
  matchShare: number,
  onPair?: (levels: readonly number[], weight: number) => void,
): number {
  let matches = 0;
  for (const { levels, count } of entries) {
    let pm = matchShare;
    let pu = 1 - matchShare;
    for (let f = 0; f < FIELD_COUNT; f++) {
      const l = levels[f]!;
      if (l < 0) continue;
      pm *= m[MATCH_FIELDS[f]!][l]!;
      pu *= u[MATCH_FIELDS[f]!][l]!;
    }
    const p = pm / (pm + pu);
    matches += p * count;
    onPair?.(levels, p * count);
  }
  return matches;
}

/**
 * One EM session, as Splink trains: on the pairs one blocking rule finds, with the rule's own fields
 * left out (those pairs agree on them by construction). u stays at its random-pair estimate.
 */
function trainSession(
  entries: readonly { levels: number[]; count: number }[],
  u: Record<MatchField, number[]>,
  iterations: number,
): Record<MatchField, number[]> {
  const m = perField((_, levels) => emStart(levels));
  const pairs = entries.reduce((s, e) => s + e.count, 0);
  // A small starting share of duplicates, for the same reason as emStart.
  let matchShare = 0.02;
  for (let it = 0; it < iterations; it++) {
    const mCounts = perField((_, levels) => startingM(levels).map((x) => x * PSEUDO_PAIRS));
    const matches = expectation(entries, m, u, matchShare, (levels, weight) => {
      for (let f = 0; f < FIELD_COUNT; f++) if (levels[f]! >= 0) mCounts[MATCH_FIELDS[f]!][levels[f]!]! += weight;
    });
    let moved = 0;
    for (const field of MATCH_FIELDS) {
      const total = mCounts[field].reduce((s, x) => s + x, 0);
      mCounts[field].forEach((x, l) => {
        moved = Math.max(moved, Math.abs(x / total - m[field][l]!));
        m[field][l] = x / total;
      });
    }
    const next = Math.min(0.99, Math.max(1e-6, (matches + 0.5) / (pairs + 1)));
    moved = Math.max(moved, Math.abs(next - matchShare));
    matchShare = next;
    if (moved < 1e-6) break;
  }
  return m;
}

/**
 * m by expectation-maximisation on the shop's blocked pairs, one session per blocking rule, each field's
 * m the mean of the sessions that did not block on it; then the match share with m and u held.
 * A small prior of pseudo-pairs keeps a tiny shop's estimate sane.
 */
export function estimateModel(
  patterns: readonly PatternCount[],
  ruleFields: readonly (readonly MatchField[])[],
  u: Record<MatchField, number[]>,
  randomPairs: number,
  options: { iterations?: number } = {},
): MatchModel {
  const iterations = options.iterations ?? 40;
  const sums = perField((_, levels) => new Array<number>(levels).fill(0));
  const sessions = perField(() => 0);
  ruleFields.forEach((fields, rule) => {
    const blanked = new Set(fields.map((f) => MATCH_FIELDS.indexOf(f)));
    const entries = patterns
      .filter((p) => p.rules & (1 << rule))
      .map((p) => ({ levels: p.levels.map((l, f) => (blanked.has(f) ? -1 : l)), count: p.count }));
    if (entries.reduce((s, e) => s + e.count, 0) < 10) return;
    const m = trainSession(entries, u, iterations);
    for (const field of MATCH_FIELDS) {
      if (fields.includes(field)) continue;
      m[field].forEach((x, l) => (sums[field][l]! += x));
      sessions[field]++;
    }
  });
  const m = perField((field, levels) =>
    sessions[field] > 0 ? sums[field].map((x) => x / sessions[field]) : startingM(levels),
  );
  const entries = patterns.map((p) => ({ levels: p.levels, count: p.count }));
  const pairs = entries.reduce((s, e) => s + e.count, 0);
  let matchShare = 0.1;
  for (let it = 0; it < iterations; it++) {
    const next = Math.min(0.99, Math.max(1e-6, (expectation(entries, m, u, matchShare) + 0.5) / (pairs + 1)));
    if (Math.abs(next - matchShare) < 1e-7) break;
    matchShare = next;
  }
  return { m, u, matchShare, trainedOn: { pairs, randomPairs } };
}

/**
 * Whether EM's match class is people who are one person. True duplicates mostly share their names (typos and
 * nicknames aside); a class that disagrees on the given name and on the surname more often than it agrees is a
 * look-alike group EM settled on instead (a shop's thousand local customers on one high street beside a million
 * imported ones with neither), and scoring with it proposed millions of strangers.
 */
export function learnedOnePerson(model: MatchModel): boolean {
  const agreesMore = (field: "givenName" | "surname") => model.m[field][0]! > model.m[field].at(-1)!;
  return agreesMore("givenName") || agreesMore("surname");
}

/** Bits of evidence one field's level gives: positive for agreement, negative for disagreement. */
export const fieldWeight = (model: MatchModel, field: MatchField, level: number): number =>
  level < 0 ? 0 : Math.log2(model.m[field][level]! / model.u[field][level]!);

/** The pair's match weight (prior plus every field's evidence) and the probability it is one person. */
export function scoreLevels(model: MatchModel, levels: readonly number[]): { weight: number; probability: number } {
  let weight = Math.log2(model.matchShare / (1 - model.matchShare));
  MATCH_FIELDS.forEach((field, f) => (weight += fieldWeight(model, field, levels[f]!)));
  return { weight, probability: 1 / (1 + 2 ** -weight) };
}
