/**
 * Probabilistic duplicate detection. It only ever proposes merge candidates for a person to decide:
 * similar names at the same postcode are often a parent and child.
 */
export interface PersonForMatching {
  profileId: string;
  firstName?: string | null;
  lastName?: string | null;
  postcode?: string | null;
  address1?: string | null;
  birthday?: string | null;
}

export interface ProbableDuplicate {
  profileId: string;
  otherProfileId: string;
  score: number;
  reason: string;
}

export interface FuzzyOptions {
  /** Lowest name similarity (0-1) that counts as "similar". */
  minNameSimilarity?: number;
  /** Blocks larger than this are compared only between neighbours in name order, so work stays near-linear. */
  maxBlockSize?: number;
}

// Scratch flags reused across calls: the duplicate scan makes millions of comparisons.
let aFlags = new Uint8Array(64);
let bFlags = new Uint8Array(64);

/** Jaro-Winkler similarity, 0 (nothing alike) to 1 (identical). */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  if (a.length > aFlags.length) aFlags = new Uint8Array(a.length * 2);
  if (b.length > bFlags.length) bFlags = new Uint8Array(b.length * 2);
  const aMatched = aFlags;
  const bMatched = bFlags;
  aMatched.fill(0, 0, a.length);
  bMatched.fill(0, 0, b.length);
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const ch = a.charCodeAt(i);
    for (let j = Math.max(0, i - window); j < Math.min(b.length, i + window + 1); j++) {
      if (bMatched[j] || ch !== b.charCodeAt(j)) continue;
      aMatched[i] = bMatched[j] = 1;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  for (let i = 0, j = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[j]) j++;
    if (a.charCodeAt(i) !== b.charCodeAt(j)) transpositions++;
    j++;
  }
  const jaro = (matches / a.length + matches / b.length + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < Math.min(4, a.length, b.length) && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

// Common English short forms; a nickname compares as its full name.
export const NICKNAMES: Record<string, string> = {
  bob: "robert",
  rob: "robert",
  bobby: "robert",
  bill: "william",
  will: "william",
  liam: "william",
  billy: "william",
  beth: "elizabeth",
  liz: "elizabeth",
  lizzie: "elizabeth",
  betty: "elizabeth",
  kate: "katherine",
  katie: "katherine",
  kathy: "katherine",
  cathy: "catherine",
  jim: "james",
  jimmy: "james",
  mike: "michael",
  mick: "michael",
  tom: "thomas",
  tommy: "thomas",
  dave: "david",
  dan: "daniel",
  danny: "daniel",
  sam: "samuel",
  alex: "alexander",
  andy: "andrew",
  tony: "anthony",
  chris: "christopher",
  matt: "matthew",
  nick: "nicholas",
  steve: "steven",
  joe: "joseph",
  jen: "jennifer",
  jenny: "jennifer",
  peggy: "margaret",
  maggie: "margaret",
  meg: "margaret",
  sue: "susan",
  becky: "rebecca",
  ted: "edward",
  ed: "edward",
  eddie: "edward",
  pat: "patricia",
};

const plain = (s: string | null | undefined): string =>
  (s ?? "")
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
  apartment: "apt",
  suite: "ste",
  north: "n",
  south: "s",
  east: "e",
  west: "w",
};

const normalizePostcode = (s: string | null | undefined): string => (s ?? "").toUpperCase().replace(/[^A-Z0-9]/g, "");
const normalizeAddress = (s: string | null | undefined): string =>
  plain(s)
    .split(" ")
    .filter(Boolean)
    .map((w) => STREET_WORDS[w] ?? w)
    .join(" ");

/** ISO date (YYYY-MM-DD or YYYYMMDD) or nothing: a birthday we cannot read must not block people together. */
function normalizeBirthday(s: string | null | undefined): string {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec((s ?? "").trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : "";
}

interface Prepared {
  person: PersonForMatching;
  first: string;
  last: string;
  display: string;
  postcode: string;
  address: string;
  birthday: string;
}

function prepare(person: PersonForMatching): Prepared | null {
  // A name may arrive whole in either field; split it so "Sarah Smith" / "" compares with "Sarah" / "Smith".
  const tokens = `${plain(person.firstName)} ${plain(person.lastName)}`.trim().split(" ").filter(Boolean);
  if (tokens.length < 2) return null; // a first name alone says too little
  const first = tokens[0]!;
  return {
    person,
    first: NICKNAMES[first] ?? first,
    last: tokens.slice(1).join(" "),
    display: [person.firstName, person.lastName]
      .map((s) => (s ?? "").trim())
      .filter(Boolean)
      .join(" "),
    postcode: normalizePostcode(person.postcode),
    address: normalizeAddress(person.address1),
    birthday: normalizeBirthday(person.birthday),
  };
}

function nameSimilarity(a: { first: string; last: string }, b: { first: string; last: string }): number {
  const straight = (jaroWinkler(a.first, b.first) + jaroWinkler(a.last, b.last)) / 2;
  const swapped = (jaroWinkler(a.first, b.last) + jaroWinkler(a.last, b.first)) / 2; // "Smith Sarah" typed the other way round
  return Math.max(straight, swapped);
}

/** Pairs of indexes worth comparing: everyone sharing a postcode, address or birthday, big blocks thinned out. */
function blockedPairs(people: readonly Prepared[], maxBlockSize: number): [number, number][] {
  const blocks = new Map<string, number[]>();
  people.forEach((p, index) => {
    for (const key of [
      p.postcode && `postcode:${p.postcode}`,
      p.address && `address:${p.address}`,
      p.birthday && `birthday:${p.birthday}`,
    ]) {
      if (!key) continue;
      const block = blocks.get(key);
      if (block) block.push(index);
      else blocks.set(key, [index]);
    }
  });
  const pairs = new Map<string, [number, number]>();
  const add = (i: number, j: number) => {
    const pair: [number, number] = i < j ? [i, j] : [j, i];
    pairs.set(`${pair[0]}|${pair[1]}`, pair);
  };
  for (const members of blocks.values()) {
    if (members.length <= maxBlockSize) {
      for (let x = 0; x < members.length; x++)
        for (let y = x + 1; y < members.length; y++) add(members[x]!, members[y]!);
      continue;
    }
    // Sorted neighbourhood: similar names sort close together, so a window finds them without n² work.
    const nameKey = (i: number) => `${people[i]!.last} ${people[i]!.first}`;
    const sorted = [...members].sort((i, j) => (nameKey(i) < nameKey(j) ? -1 : nameKey(i) > nameKey(j) ? 1 : i - j));
    for (let x = 0; x < sorted.length; x++) {
      for (let y = x + 1; y < Math.min(sorted.length, x + maxBlockSize); y++) add(sorted[x]!, sorted[y]!);
    }
  }
  return [...pairs.values()];
}

/** How many name comparisons a duplicate scan of these people costs: grows near-linearly, never n². */
export function duplicateScanComparisons(people: readonly PersonForMatching[], options: FuzzyOptions = {}): number {
  const prepared = people.map(prepare).filter((p): p is Prepared => p !== null);
  return blockedPairs(prepared, options.maxBlockSize ?? 50).length;
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

export function probableDuplicates(
  people: readonly PersonForMatching[],
  options: FuzzyOptions = {},
): ProbableDuplicate[] {
  const minNameSimilarity = options.minNameSimilarity ?? 0.88;
  const maxBlockSize = options.maxBlockSize ?? 50;
  const prepared = people.map(prepare).filter((p): p is Prepared => p !== null);
  const found = new Map<string, ProbableDuplicate>();
  for (const [i, j] of blockedPairs(prepared, maxBlockSize)) {
    const a = prepared[i]!;
    const b = prepared[j]!;
    if (a.person.profileId === b.person.profileId) continue;
    const similarity = nameSimilarity(a, b);
    if (similarity < minNameSimilarity) continue;
    const [low, high] = a.person.profileId < b.person.profileId ? [a, b] : [b, a];
    const shared = [
      low.postcode && low.postcode === high.postcode ? `postcode ${low.person.postcode!.trim()}` : "",
      low.address && low.address === high.address ? `address ${low.person.address1!.trim()}` : "",
      low.birthday && low.birthday === high.birthday ? `birth date ${low.birthday}` : "",
    ].filter(Boolean);
    const names =
      low.display === high.display
        ? `The same name (${low.display})`
        : `Similar names (${low.display}, ${high.display})`;
    const facts = shared.length === 1 ? shared[0]! : `${shared.slice(0, -1).join(", ")} and ${shared.at(-1)}`;
    const candidate: ProbableDuplicate = {
      profileId: low.person.profileId,
      otherProfileId: high.person.profileId,
      // The name decides; every further shared fact adds confidence.
      score: round2(similarity * (0.85 + 0.05 * shared.length)),
      reason: `${names} and the same ${facts}.`,
    };
    const key = `${candidate.profileId}|${candidate.otherProfileId}`;
    const previous = found.get(key);
    if (!previous || previous.score < candidate.score) found.set(key, candidate);
  }
  return [...found.values()].sort(
    (x, y) =>
      y.score - x.score || x.profileId.localeCompare(y.profileId) || x.otherProfileId.localeCompare(y.otherProfileId),
  );
}
