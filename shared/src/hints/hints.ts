import { DAY_MS } from "../profile/days";
import { loyaltyNudge, type TierStatus } from "../loyalty/tiers";
import type { CoPurchaseRule } from "./co-purchase";
import type { ReplenishmentDue } from "./replenishment";

export type CheckoutHintKind = "co_purchase" | "replenishment" | "viewed" | "loyalty";

export interface CheckoutHint {
  kind: CheckoutHintKind;
  /** The product to suggest; absent for the loyalty nudge. */
  productId?: string;
  /** Its name, so the clerk can say what to offer. */
  productTitle?: string;
  /** A variant of it the register can add to the cart ("Add to cart"), when the shop's orders name one. */
  variantId?: string;
  /** One line in a clerk's words, e.g. "42% of people who bought Linen Shirt also bought the Silk Tie". */
  message: string;
  /** 0–1, higher first; comparable across kinds. */
  score: number;
}

export interface CheckoutHintsInput {
  cartProductIds: string[];
  /** `coPurchaseRules` of the shop's orders. */
  rules: CoPurchaseRule[];
  /** `replenishmentDue` of this customer's purchases. */
  replenishment: ReplenishmentDue[];
  /** `tierFor` of this customer's rolling-year points. */
  loyalty: TierStatus;
  productTitles?: Record<string, string>;
  /** Products the customer viewed online and has not bought, latest first (shared `viewedNotBought`). */
  viewedProductIds?: string[];
  /** A variant to add per product ID (e.g. the one most recently sold). */
  productVariants?: Record<string, string>;
  limit?: number;
  /** For "due in 3 days". */
  now: Date;
}

/**
 * The few hints worth a clerk's glance at checkout (SPEC "Upsell hints"), best first.
 *
 * Scores, so the kinds can be ranked together:
 * - co-purchase: the rule's confidence; only rules with lift above 1 (bought together more often than
 *   chance), and for each suggested product only its strongest rule.
 * - replenishment: 1 / (1 + days off the due date / usual gap): 1 when due today, 0.5 a whole cycle off.
 * - loyalty: half the progress to the next tier, so a nudge outranks products only when nothing fits well.
 * A product already in the cart is never suggested; a product that qualifies twice appears once.
 */
export function checkoutHints(input: CheckoutHintsInput): CheckoutHint[] {
  const inCart = new Set(input.cartProductIds);
  const titleOf = (id: string, fallback?: string) => input.productTitles?.[id] ?? fallback ?? id;
  const best = new Map<string, CheckoutHint>();
  const offer = (suggested: CheckoutHint & { productId: string }) => {
    const variantId = input.productVariants?.[suggested.productId];
    const hint = variantId ? { ...suggested, variantId } : suggested;
    const existing = best.get(hint.productId);
    if (!existing || hint.score > existing.score) best.set(hint.productId, hint);
  };

  for (const rule of input.rules) {
    if (!inCart.has(rule.antecedent) || inCart.has(rule.consequent) || !(rule.lift > 1)) continue;
    offer({
      kind: "co_purchase",
      productId: rule.consequent,
      productTitle: titleOf(rule.consequent),
      // Confidence in a clerk's words; lift only decides whether the pair is worth showing.
      message:
        `${Math.round(rule.confidence * 100)}% of people who bought ${titleOf(rule.antecedent)} ` +
        `also bought the ${titleOf(rule.consequent)}`,
      score: round3(rule.confidence),
    });
  }

  for (const item of input.replenishment) {
    if (inCart.has(item.productId) || !(item.meanGapDays > 0)) continue;
    const daysUntil = (item.dueAt.getTime() - input.now.getTime()) / DAY_MS;
    offer({
      kind: "replenishment",
      productId: item.productId,
      productTitle: titleOf(item.productId, item.title),
      message:
        `${titleOf(item.productId, item.title)} ${dueIn(Math.round(daysUntil))} ` +
        `(bought every ${days(Math.round(item.meanGapDays))})`,
      score: round3(1 / (1 + Math.abs(daysUntil) / item.meanGapDays)),
    });
  }

  // Looked at online, never bought: worth a mention, below a strong co-purchase or a due refill.
  for (const [rank, productId] of (input.viewedProductIds ?? []).entries()) {
    if (inCart.has(productId)) continue;
    offer({
      kind: "viewed",
      productId,
      productTitle: titleOf(productId),
      message: `Looked at the ${titleOf(productId)} online recently and has not bought it`,
      score: round3(Math.max(0.1, 0.3 - 0.05 * rank)),
    });
  }

  const hints = [...best.values()];
  const nudge = loyaltyNudge(input.loyalty);
  if (nudge !== null) hints.push({ kind: "loyalty", message: nudge, score: round3(0.5 * input.loyalty.progress) });

  hints.sort(
    (a, b) =>
      b.score - a.score ||
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      (a.productId ?? "").localeCompare(b.productId ?? ""),
  );
  return hints.slice(0, Math.max(0, input.limit ?? 3));
}

const KIND_ORDER: Record<CheckoutHintKind, number> = { replenishment: 0, co_purchase: 1, viewed: 2, loyalty: 3 };

const days = (n: number) => (n === 1 ? "1 day" : `${n} days`);
const dueIn = (n: number) => (n === 0 ? "due today" : n > 0 ? `due in ${days(n)}` : `overdue by ${days(-n)}`);
const round3 = (x: number) => Math.round(x * 1000) / 1000;
