/**
 * Erased means erased. After a customer is erased, the shop keeps only keyed hashes of what identified
 * them (email, phone, Shopify customer ID, device ID, order IDs) with the erase time. This rule decides
 * what happens to something that arrives later and names one of them.
 */

/** What arrived: an order (its time is when it was placed), a Shopify customer record (its updated_at),
 * a sign-up captured at the store (when the clerk captured it) or a backfill row (its export time). */
export type ErasureInteraction = "order" | "customer" | "capture" | "backfill";

/** One erased identifier the arrival names, with the time it was (last) erased. */
export interface ErasedMatch {
  kind: string;
  erasedAt: Date;
}

export type ErasureVerdict =
  | { keep: true }
  /** Stored without anything that identifies the person (an order), or not stored at all (the rest). */
  | { keep: false; reason: string };

/**
 * An arrival made at or before the erase of any identifier it names belongs to the erased person: it is
 * kept out. An order whose own ID was erased stays anonymous whatever its time (its later updates are
 * the same order). Anything made after every erase it names is a new interaction of the customer with
 * the shop (an order placed later, a new sign-up) and may create a new profile.
 */
export function erasureVerdict(interaction: ErasureInteraction, madeAt: Date, matches: readonly ErasedMatch[]): ErasureVerdict {
  if (matches.length === 0) return { keep: true };
  if (matches.some((m) => m.kind === "order")) return { keep: false, reason: "the order belongs to an erased customer" };
  const latest = matches.reduce((a, b) => (b.erasedAt.getTime() > a.erasedAt.getTime() ? b : a));
  if (madeAt.getTime() <= latest.erasedAt.getTime()) {
    return {
      keep: false,
      reason: `${WORDS[interaction]} made ${madeAt.toISOString()} names a customer erased ${latest.erasedAt.toISOString()}`,
    };
  }
  return { keep: true };
}

const WORDS: Record<ErasureInteraction, string> = {
  order: "an order",
  customer: "a Shopify customer record",
  capture: "a sign-up at the store",
  backfill: "a backfill row",
};
