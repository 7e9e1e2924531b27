import { forEachCandidatePair, RULE_FIELDS, type BlockingOptions } from "./blocking";
import { comparePair } from "./compare";
import { preparePerson, type MatchPerson, type PreparedPerson } from "./fields";
import {
  estimateModel,
  estimateU,
  levelsOf,
  patternOf,
  scoreLevels,
  seededRandom,
  type MatchModel,
  type PatternCount,
} from "./model";

export interface MatchCandidate {
  profileId: string;
  otherProfileId: string;
  /** log2 of the odds that the two are one person. */
  weight: number;
  probability: number;
  levels: number[];
  namesSwapped: boolean;
}

export interface MatchOptions extends BlockingOptions {
  /** Seed of the random pairs u is estimated from (a shop's scan repeats exactly). */
  seed: number;
  /**
   * The probability from which a pair is proposed. High, because the queue is read by a person and a
   * wrong pair (a parent and child at one address) costs their trust; recall comes from the model.
   */
  minProbability?: number;
  /** A model learned earlier for this shop; without one it is estimated from these people. */
  model?: MatchModel;
}

export const DEFAULT_MIN_PROBABILITY = 0.99;

/** Only people with a name and something to compare it with are worth a comparison. */
const comparable = (p: PreparedPerson) =>
  (p.given || p.surname) && (p.postcode || p.street || p.birthday || p.city || p.emailLocals.length > 0);

/**
 * The shop's probable duplicates: block, compare every blocked pair once, learn m and u from the shop's
 * own people (unless a model is given), score each pattern of levels once, keep pairs above the threshold.
 */
export function findProbableDuplicates(
  people: readonly MatchPerson[],
  options: MatchOptions,
): {
  candidates: MatchCandidate[];
  model: MatchModel;
  comparisons: number;
} {
  const prepared = people.map(preparePerson).filter(comparable);
  const pairI: number[] = [];
  const pairJ: number[] = [];
  const pairPattern: number[] = [];
  const swapped = new Set<number>();
  const patterns = new Map<number, number>();
  // Per pattern and set of shared blocking keys, for the per-rule EM sessions.
  const trainingPatterns = new Map<string, PatternCount>();
  forEachCandidatePair(
    prepared,
    (i, j, rules) => {
      if (prepared[i]!.profileId === prepared[j]!.profileId) return;
      const { levels, namesSwapped } = comparePair(prepared[i]!, prepared[j]!);
      const code = patternOf(levels);
      if (namesSwapped) swapped.add(pairI.length);
      pairI.push(i);
      pairJ.push(j);
      pairPattern.push(code);
      patterns.set(code, (patterns.get(code) ?? 0) + 1);
      const training = trainingPatterns.get(`${code}|${rules}`);
      if (training) training.count++;
      else trainingPatterns.set(`${code}|${rules}`, { levels, rules, count: 1 });
    },
    options,
  );
  let model = options.model;
  if (!model) {
    const { u, randomPairs } = estimateU(prepared, seededRandom(options.seed));
    model = estimateModel([...trainingPatterns.values()], RULE_FIELDS, u, randomPairs);
  }
  const minProbability = options.minProbability ?? DEFAULT_MIN_PROBABILITY;
  const scores = new Map<number, ReturnType<typeof scoreLevels>>();
  for (const code of patterns.keys()) scores.set(code, scoreLevels(model, levelsOf(code)));
  const candidates: MatchCandidate[] = [];
  for (let n = 0; n < pairPattern.length; n++) {
    const score = scores.get(pairPattern[n]!)!;
    if (score.probability < minProbability) continue;
    const a = prepared[pairI[n]!]!.profileId;
    const b = prepared[pairJ[n]!]!.profileId;
    candidates.push({
      // Profile ids are strings: the pair is kept in text order (not Math.min, which is for numbers).
      profileId: a < b ? a : b,
      otherProfileId: a < b ? b : a,
      weight: score.weight,
      probability: score.probability,
      levels: levelsOf(pairPattern[n]!),
      namesSwapped: swapped.has(n),
    });
  }
  candidates.sort(
    (x, y) =>
      y.weight - x.weight || x.profileId.localeCompare(y.profileId) || x.otherProfileId.localeCompare(y.otherProfileId),
  );
  return { candidates, model, comparisons: pairPattern.length };
}
