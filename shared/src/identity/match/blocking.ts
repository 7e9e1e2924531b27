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
  key: (p: PreparedPerson) => string;
}

const keyOf = (...parts: string[]) => (parts.every(Boolean) ? parts.join("|") : "");

export const BLOCKING_RULES: readonly BlockingRule[] = [
  {
    name: "postcode and surname initial",
    fields: ["postcode", "surname"],
    key: (p) => keyOf(p.postcode, p.surname[0] ?? ""),
  },
  {
    name: "postcode and given initial",
    fields: ["postcode", "givenName"],
    key: (p) => keyOf(p.postcode, p.given[0] ?? ""),
  },
  {
    name: "surname sound and given initial",
    fields: ["surname", "givenName"],
    key: (p) => keyOf(p.surnameCode, p.given[0] ?? ""),
  },
  {
    name: "given name sound and surname initial",
    fields: ["givenName", "surname"],
    key: (p) => keyOf(p.givenCode, p.surname[0] ?? ""),
  },
  { name: "street name and number", fields: ["street", "streetNumber"], key: (p) => keyOf(p.streetNumber, p.street) },
  { name: "birth date", fields: ["birthday"], key: (p) => p.birthday },
  { name: "city and surname sound", fields: ["city", "surname"], key: (p) => keyOf(p.city, p.surnameCode) },
];

/** The fields of each rule, the email rule last, in the order the `rules` mask of a visit numbers them. */
export const RULE_FIELDS: readonly (readonly MatchField[])[] = [...BLOCKING_RULES.map((r) => r.fields), ["emailLocal"]];

/** Every key of one person, tagged by rule: the same strings the whole-shop pass blocks on. */
export function blockingKeys(p: PreparedPerson): string[] {
  const keys: string[] = [];
  BLOCKING_RULES.forEach((rule, n) => {
    const key = rule.key(p);
    if (key) keys.push(`${n}:${key}`);
  });
  for (const local of p.emailLocals) keys.push(`e:${local}`);
  return keys;
}

export interface BlockingOptions {
  /**
   * A block larger than this (a common surname in a big city) is compared only between neighbours in
   * name order, so work stays near-linear in the shop's size.
   */
  maxBlockSize?: number;
  /** How many neighbours in name order each member of an oversized block is compared with. */
  neighbours?: number;
}

type KeyOf = (p: PreparedPerson) => string[];

const ruleKeys: KeyOf[] = [
  ...BLOCKING_RULES.map((rule) => (p: PreparedPerson) => {
    const key = rule.key(p);
    return key ? [key] : [];
  }),
  (p) => p.emailLocals,
];

/**
 * Calls `visit(i, j, rules)` once for each pair of indexes (i < j) that some rule blocks together, with
 * a bit per rule whose key they share. A pair an earlier rule already compared in full is skipped,
 * without a set of every pair (millions at scale).
 */
export function forEachCandidatePair(
  people: readonly PreparedPerson[],
  visit: (i: number, j: number, rules: number) => void,
  options: BlockingOptions = {},
): void {
  const cap = options.maxBlockSize ?? 60;
  const neighbours = Math.min(cap, options.neighbours ?? 10);
  const fullBlocks: Set<string>[] = [];
  let nameKeys: string[] | null = null;
  const nameOrder = (i: number) => {
    nameKeys ??= people.map((p) => `${p.surname} ${p.given} ${p.profileId}`);
    return nameKeys[i]!;
  };
  const keysBy = ruleKeys.map((keysOf) => people.map(keysOf));
  keysBy.forEach((keysOfPerson, rule) => {
    const blocks = new Map<string, number[]>();
    keysOfPerson.forEach((keys, index) => {
      for (const key of keys) {
        const block = blocks.get(key);
        if (block) block.push(index);
        else blocks.set(key, [index]);
      }
    });
    const full = new Set<string>();
    for (const [key, members] of blocks) if (members.length > 1 && members.length <= cap) full.add(key);
    const shared = (i: number, j: number): number => {
      let mask = 0;
      for (let r = 0; r < keysBy.length; r++) {
        const a = keysBy[r]![i]!;
        if (a.length === 0) continue;
        const b = keysBy[r]![j]!;
        if (b.length === 0) continue;
        if (a.length === 1 && b.length === 1 ? a[0] === b[0] : a.some((k) => b.includes(k))) mask |= 1 << r;
      }
      return mask;
    };
    // Only the email rule (last) has several keys a person: an earlier rule's shared key is its one key.
    const comparedEarlier = (i: number, mask: number): boolean => {
      for (let r = 0; r < rule; r++) if (mask & (1 << r) && fullBlocks[r]!.has(keysBy[r]![i]![0]!)) return true;
      return false;
    };
    // Within this rule a pair sharing two keys (two email locals) is visited once.
    const seenHere = rule === ruleKeys.length - 1 ? new Set<string>() : null;
    for (const members of blocks.values()) {
      if (members.length < 2) continue;
      const byName = (x: number, y: number) => (nameOrder(x) < nameOrder(y) ? -1 : 1);
      const ordered = members.length <= cap ? members : [...members].sort(byName);
      const window = members.length <= cap ? members.length : neighbours + 1;
      for (let x = 0; x < ordered.length; x++) {
        for (let y = x + 1; y < Math.min(ordered.length, x + window); y++) {
          const i = Math.min(ordered[x]!, ordered[y]!);
          const j = Math.max(ordered[x]!, ordered[y]!);
          if (i === j) continue;
          const mask = shared(i, j);
          if (comparedEarlier(i, mask)) continue;
          if (seenHere) {
            const pair = `${i}|${j}`;
            if (seenHere.has(pair)) continue;
            seenHere.add(pair);
          }
          visit(i, j, mask);
        }
      }
    }
    fullBlocks.push(full);
  });
}
