import { candidatePairs, RULE_FIELDS, type BlockingOptions, type BlockShare, type CandidatePairs } from "./blocking";
import { compareInto, MATCH_FIELDS, patternOf, rememberedSimilarity, type Similarity } from "./compare";
import { preparePeople, type MatchPerson, type PreparedPerson } from "./fields";
import {
  estimateModel,
  estimateU,
  learnedOnePerson,
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
  /**
   * What scores the pairs when the model learned from these people is not one of people being one person
   * (see {@link learnedOnePerson}): the shop's last sound model. Without one, such a scan proposes nothing.
   */
  fallbackModel?: MatchModel;
}

export const DEFAULT_MIN_PROBABILITY = 0.99;

/** Only people with a name and something to compare it with are worth a comparison. */
const comparable = (p: PreparedPerson) =>
  (p.given || p.surname) && (p.postcode || p.street || p.birthday || p.city || p.emailLocals.length > 0);

/** Up to about this many blocked pairs teach the model; a big shop's sample says what all its pairs say. */
export const TRAINING_PAIRS = 200_000;

/** A number per person from their profile id, so the training sample does not depend on load order. */
function idHash(profileId: string, seed: number): number {
  let h = seed ^ 0x811c9dc5;
  for (let i = 0; i < profileId.length; i++) h = Math.imul(h ^ profileId.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function pairHash(a: number, b: number): number {
  let h = Math.imul(a ^ (b >>> 16), 0x85ebca6b) ^ Math.imul(b, 0xc2b2ae35);
  h ^= h >>> 13;
  h = Math.imul(h, 0x27d4eb2f);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Compares the pairs `pairs` visits and counts each pattern of levels per set of shared blocking keys. */
function trainingPatterns(
  prepared: readonly PreparedPerson[],
  pairs: CandidatePairs,
  sim: Similarity,
  seed: number,
): PatternCount[] {
  const hashes = Uint32Array.from(prepared, (p) => idHash(p.profileId, seed));
  // A pair is in the sample when its hash falls under the share wanted (all pairs in a small shop).
  const under = Math.min(1, TRAINING_PAIRS / Math.max(1, pairs.fullBound)) * 2 ** 32;
  const levels = new Array<number>(MATCH_FIELDS.length);
  const counts = new Map<number, PatternCount>();
  // Neighbours in name order share a name by choice: in a dense shop (a million people, fifty first
  // names) EM took "same name" for "same person" and proposed millions. Full blocks teach m.
  pairs.forEach(
    (i, j, rules) => {
      if (under < 2 ** 32 && pairHash(hashes[i]!, hashes[j]!) >= under) return;
      const a = prepared[i]!;
      const b = prepared[j]!;
      if (a.profileId === b.profileId) return;
      compareInto(a, b, levels, sim);
      // Per pattern and set of shared blocking keys, for the per-rule EM sessions.
      const key = patternOf(levels) * 256 + rules;
      const seen = counts.get(key);
      if (seen) seen.count++;
      else counts.set(key, { levels: [...levels], rules, count: 1 });
    },
    { fullBlocksOnly: true },
  );
  return [...counts.values()];
}

const minProbabilityOf = (options: MatchOptions) => options.minProbability ?? DEFAULT_MIN_PROBABILITY;

/**
 * The shop's probable duplicates: block, learn m and u from a sample of the shop's own blocked pairs and
 * random pairs (unless a model is given), then compare every blocked pair once, score each pattern of
 * levels once, and keep pairs above the threshold.
 */
export function findProbableDuplicates(
  people: readonly MatchPerson[],
  options: MatchOptions,
): {
  candidates: MatchCandidate[];
  /** The model the pairs were scored with. */
  model: MatchModel;
  comparisons: number;
  /** The model these people taught was refused (not learned one person), so it should not be kept. */
  refused: boolean;
} {
  const prepared = preparePeople(people).filter(comparable);
  const sim = rememberedSimilarity();
  const pairs = candidatePairs(prepared, options);
  let model = options.model;
  if (!model) {
    const { u, randomPairs } = estimateU(prepared, seededRandom(options.seed), undefined, sim);
    model = estimateModel(trainingPatterns(prepared, pairs, sim, options.seed), RULE_FIELDS, u, randomPairs);
    if (!learnedOnePerson(model)) {
      if (!options.fallbackModel) return { candidates: [], model, comparisons: 0, refused: true };
      const found = scorePairs(prepared, pairs, options.fallbackModel, minProbabilityOf(options), sim);
      return { ...found, model: options.fallbackModel, refused: true };
    }
  }
  const found = scorePairs(prepared, pairs, model, minProbabilityOf(options), sim);
  return { candidates: found.candidates, model, comparisons: found.comparisons, refused: false };
}

/** Every blocked pair compared and scored with the model; those at or above `minProbability` kept. */
export function scorePairs(
  prepared: readonly PreparedPerson[],
  pairs: CandidatePairs,
  model: MatchModel,
  minProbability: number,
  sim: Similarity,
  share?: BlockShare,
): { candidates: MatchCandidate[]; comparisons: number } {
  const scores = new Map<number, ReturnType<typeof scoreLevels> | null>();
  const levels = new Array<number>(MATCH_FIELDS.length);
  const candidates: MatchCandidate[] = [];
  let comparisons = 0;
  pairs.forEach(
    (i, j) => {
      const a = prepared[i]!;
      const b = prepared[j]!;
      if (a.profileId === b.profileId) return;
      comparisons++;
      const namesSwapped = compareInto(a, b, levels, sim);
      const code = patternOf(levels);
      let score = scores.get(code);
      if (score === undefined) {
        const s = scoreLevels(model, levels);
        score = s.probability >= minProbability ? s : null;
        scores.set(code, score);
      }
      if (score === null) return;
      candidates.push({
        // Profile ids are strings: the pair is kept in text order (not Math.min, which is for numbers).
        profileId: a.profileId < b.profileId ? a.profileId : b.profileId,
        otherProfileId: a.profileId < b.profileId ? b.profileId : a.profileId,
        weight: score.weight,
        probability: score.probability,
        levels: [...levels],
        namesSwapped,
      });
    },
    { ...(share ? { share } : {}), withRules: false },
  );
  // Text order by code unit: localeCompare is ten times slower and a big shop proposes a hundred thousand.
  const textOrder = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  candidates.sort(
    (x, y) =>
      y.weight - x.weight || textOrder(x.profileId, y.profileId) || textOrder(x.otherProfileId, y.otherProfileId),
  );
  return { candidates, comparisons };
}
