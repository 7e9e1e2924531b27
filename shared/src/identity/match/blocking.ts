import type { MatchField } from "./compare";
import type { PreparedPerson } from "./fields";

/**
 * Blocking rules: two people are compared when any rule gives them the same key. Each rule alone misses
 * pairs with a typo in its field; their union catches a pair unless every keyed field has one.
 * Names are keyed with an initial of the other part, so a person with one name part still has keys.
 */
interface BlockingRule {
  name: string;
  /** The fields the rule's key is made of: pairs it blocks agree on them, so they teach nothing about m. */
  fields: readonly MatchField[];
  /** The key's parts; a person lacking one has no key under this rule. */
  parts: readonly ((p: PreparedPerson) => string)[];
}

const postcode = (p: PreparedPerson) => p.postcode;
const givenInitial = (p: PreparedPerson) => p.given.charAt(0);
const surnameInitial = (p: PreparedPerson) => p.surname.charAt(0);
const givenCode = (p: PreparedPerson) => p.givenCode;
const surnameCode = (p: PreparedPerson) => p.surnameCode;
const rule = (name: string, fields: readonly MatchField[], ...parts: BlockingRule["parts"]): BlockingRule => ({
  name,
  fields,
  parts,
});

export const BLOCKING_RULES: readonly BlockingRule[] = [
  rule("postcode and surname initial", ["postcode", "surname"], postcode, surnameInitial),
  rule("postcode and given initial", ["postcode", "givenName"], postcode, givenInitial),
  rule("surname sound and given initial", ["surname", "givenName"], surnameCode, givenInitial),
  rule("given name sound and surname initial", ["givenName", "surname"], givenCode, surnameInitial),
  rule(
    "street name and number",
    ["street", "streetNumber"],
    (p) => p.streetNumber,
    (p) => p.street,
  ),
  rule("birth date", ["birthday"], (p) => p.birthday),
  rule("city and surname sound", ["city", "surname"], (p) => p.city, surnameCode),
];

/** The fields of each rule, the email rule last, in the order the `rules` mask of a visit numbers them. */
export const RULE_FIELDS: readonly (readonly MatchField[])[] = [...BLOCKING_RULES.map((r) => r.fields), ["emailLocal"]];

export interface BlockingOptions {
  /**
   * A block larger than this (a common surname in a big city) is compared only between neighbours in
   * name order, so work stays near-linear in the shop's size.
   */
  maxBlockSize?: number;
  /** How many neighbours in name order each member of an oversized block is compared with. */
  neighbours?: number;
}

/** `byName`: the pair was taken as neighbours in name order from an oversized block, so its names agree by choice. */
export type PairVisitor = (i: number, j: number, rules: number, byName: boolean) => void;

/** One share of the blocks, so two threads can each visit half of a shop's pairs. */
export interface BlockShare {
  index: number;
  of: number;
}

export interface VisitOptions {
  share?: BlockShare;
  /** Only blocks compared in full (training leaves out neighbours in name order). */
  fullBlocksOnly?: boolean;
  /** Whether the visit needs the mask of shared rules (training does; scoring does not, so it gets 0). */
  withRules?: boolean;
}

/** The blocked pairs of a set of people, keyed once and visited as often as a scan needs. */
export interface CandidatePairs {
  /** At least the number of pairs visited (a pair two rules block is counted by both). */
  bound: number;
  /** The same, for blocks compared in full. */
  fullBound: number;
  forEach(visit: PairVisitor, options?: VisitOptions): void;
}

/** Far above a shop's count of distinct key parts, so two part numbers make one key without collisions. */
const PART_STRIDE = 2 ** 26;
const NONE = -1;

/**
 * The people grouped by one rule: each person's block (or NONE), each block's members side by side in
 * name order, and each member's place among them.
 */
interface Blocks {
  blockOf: Int32Array;
  start: Int32Array;
  members: Int32Array;
  place: Int32Array;
}

function groupByKey(keys: Float64Array, order: Int32Array): Blocks {
  const numbers = new Map<number, number>();
  const blockOf = new Int32Array(keys.length).fill(NONE);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key < 0) continue;
    let b = numbers.get(key);
    if (b === undefined) {
      b = numbers.size;
      numbers.set(key, b);
    }
    blockOf[i] = b;
  }
  // Counting sort in name order: each block's members come out sorted by name, with no sort per block.
  const start = new Int32Array(numbers.size + 1);
  for (const b of blockOf) if (b !== NONE) start[b + 1]!++;
  for (let b = 0; b < numbers.size; b++) start[b + 1]! += start[b]!;
  const filled = start.slice(0, numbers.size);
  const members = new Int32Array(start[numbers.size]!);
  const place = new Int32Array(keys.length).fill(NONE);
  for (const i of order) {
    const b = blockOf[i]!;
    if (b === NONE) continue;
    place[i] = filled[b]! - start[b]!;
    members[filled[b]!++] = i;
  }
  return { blockOf, start, members, place };
}

/** A stable counting sort of `order` by a small whole-number key. */
function sortByKey(order: Int32Array, key: (i: number) => number, range: number): Int32Array<ArrayBuffer> {
  const count = new Int32Array(range + 1);
  for (const i of order) count[key(i) + 1]!++;
  for (let k = 0; k < range; k++) count[k + 1]! += count[k]!;
  const sorted = new Int32Array(order.length);
  for (const i of order) sorted[count[key(i)]!++] = i;
  return sorted;
}

/**
 * People by surname, then given name, then a hash of the profile id: the same order whatever order they
 * were loaded in, by four linear passes (a comparison sort of a million names takes seconds).
 */
function nameOrder(people: readonly PreparedPerson[]): Int32Array {
  const rank = (text: (p: PreparedPerson) => string) => {
    const sorted = [...new Set(people.map(text))].sort();
    const ranks = new Map(sorted.map((t, r) => [t, r]));
    return { of: Int32Array.from(people, (p) => ranks.get(text(p))!), range: sorted.length };
  };
  const hash = Uint32Array.from(people, (p) => {
    let h = 0x811c9dc5;
    for (let c = 0; c < p.profileId.length; c++) h = Math.imul(h ^ p.profileId.charCodeAt(c), 0x01000193);
    return h >>> 0;
  });
  const surname = rank((p) => p.surname);
  const given = rank((p) => p.given);
  let order: Int32Array<ArrayBuffer> = Int32Array.from(people, (_, i) => i);
  order = sortByKey(order, (i) => hash[i]! & 0xffff, 0x10000);
  order = sortByKey(order, (i) => hash[i]! >>> 16, 0x10000);
  order = sortByKey(order, (i) => given.of[i]!, given.range);
  return sortByKey(order, (i) => surname.of[i]!, surname.range);
}

/** Pairs in one block: all of them up to `cap` members, else each member with its next `neighbours` by name. */
const pairsIn = (size: number, cap: number, neighbours: number) =>
  size <= cap ? (size * (size - 1)) / 2 : size * neighbours - (neighbours * (neighbours + 1)) / 2;

/**
 * Keys every person once (numbers, not strings) and answers the pairs to compare: `visit(i, j, rules)` once
 * for each pair of indexes (i < j) that some rule blocks together, with a bit per rule whose key they
 * share. A pair an earlier rule already visited is skipped, without a set of every pair (millions at scale).
 */
export function candidatePairs(people: readonly PreparedPerson[], options: BlockingOptions = {}): CandidatePairs {
  const cap = options.maxBlockSize ?? 30;
  const neighbours = Math.min(cap, options.neighbours ?? 5);
  const n = people.length;
  const partNumbers = new Map<string, number>();
  const partNumber = (part: string) => {
    let k = partNumbers.get(part);
    if (k === undefined) {
      k = partNumbers.size;
      partNumbers.set(part, k);
    }
    return k;
  };
  const order = nameOrder(people);
  const byRule = BLOCKING_RULES.map(({ parts }) => {
    const keys = new Float64Array(n);
    people.forEach((p, i) => {
      let key = 0;
      for (const part of parts) {
        const text = part(p);
        if (!text) {
          key = NONE;
          break;
        }
        key = key * PART_STRIDE + partNumber(text);
      }
      keys[i] = key;
    });
    return groupByKey(keys, order);
  });
  const blockOfs = byRule.map((r) => r.blockOf);
  // Email locals: a person may have several, so their blocks are listed per person (most have one or none).
  const localNumbers = new Map<string, number>();
  const emailBlocks = people.map((p) =>
    p.emailLocals.map((local) => {
      let b = localNumbers.get(local);
      if (b === undefined) {
        b = localNumbers.size;
        localNumbers.set(local, b);
      }
      return b;
    }),
  );
  const emailMembers: number[][] = Array.from({ length: localNumbers.size }, () => []);
  for (const i of order) for (const b of new Set(emailBlocks[i]!)) emailMembers[b]!.push(i);
  const EMAIL = BLOCKING_RULES.length;

  const shared = (i: number, j: number): number => {
    let mask = 0;
    for (let r = 0; r < EMAIL; r++) {
      const b = blockOfs[r]![i]!;
      if (b !== NONE && b === blockOfs[r]![j]) mask |= 1 << r;
    }
    const ei = emailBlocks[i]!;
    if (ei.length > 0 && emailBlocks[j]!.some((b) => ei.includes(b))) mask |= 1 << EMAIL;
    return mask;
  };
  // Whether an earlier rule whose key the pair shares visited it: in full, or as neighbours in name order.
  const comparedEarlier = (rule: number, i: number, j: number): boolean => {
    for (let r = 0; r < rule; r++) {
      const b = blockOfs[r]![i]!;
      if (b === NONE || b !== blockOfs[r]![j]) continue;
      const { start, place } = byRule[r]!;
      if (start[b + 1]! - start[b]! <= cap || Math.abs(place[i]! - place[j]!) <= neighbours) return true;
    }
    return false;
  };

  let bound = 0;
  let fullBound = 0;
  const count = (size: number) => {
    bound += pairsIn(size, cap, neighbours);
    if (size <= cap) fullBound += pairsIn(size, cap, neighbours);
  };
  for (const { start } of byRule) for (let b = 0; b + 1 < start.length; b++) count(start[b + 1]! - start[b]!);
  for (const members of emailMembers) count(members.length);

  const visitBlock = (
    rule: number,
    members: ArrayLike<number>,
    from: number,
    to: number,
    visit: PairVisitor,
    seen: Set<number> | null,
    withRules: boolean,
  ) => {
    const byName = to - from > cap;
    const window = byName ? neighbours + 1 : to - from;
    for (let x = from; x < to; x++) {
      const end = Math.min(to, x + window);
      for (let y = x + 1; y < end; y++) {
        const i = Math.min(members[x]!, members[y]!);
        const j = Math.max(members[x]!, members[y]!);
        if (comparedEarlier(rule, i, j)) continue;
        if (seen) {
          // Within the email rule a pair sharing two email locals is visited once.
          const pair = i * n + j;
          if (seen.has(pair)) continue;
          seen.add(pair);
        }
        visit(i, j, withRules ? shared(i, j) : 0, byName);
      }
    }
  };

  return {
    bound,
    fullBound,
    forEach(visit, { share = { index: 0, of: 1 }, fullBlocksOnly = false, withRules = true } = {}) {
      let counter = 0;
      const wanted = (size: number) =>
        size >= 2 && !(fullBlocksOnly && size > cap) && counter++ % share.of === share.index;
      byRule.forEach(({ start, members }, r) => {
        for (let b = 0; b + 1 < start.length; b++) {
          if (wanted(start[b + 1]! - start[b]!))
            visitBlock(r, members, start[b]!, start[b + 1]!, visit, null, withRules);
        }
      });
      const seen = new Set<number>();
      for (const members of emailMembers) {
        if (wanted(members.length)) visitBlock(EMAIL, members, 0, members.length, visit, seen, withRules);
      }
    },
  };
}

/** Every blocked pair once: see candidatePairs. */
export function forEachCandidatePair(
  people: readonly PreparedPerson[],
  visit: PairVisitor,
  options: BlockingOptions = {},
): void {
  candidatePairs(people, options).forEach(visit);
}
