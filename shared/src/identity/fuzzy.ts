/**
 * String similarity the duplicate model (identity/match) compares names with. The model itself, with its comparison
 * levels and learned weights, lives in identity/match; the fixed-cut scan this file held before is gone.
 */

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
