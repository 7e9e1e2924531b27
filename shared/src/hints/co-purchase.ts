/** "Customers who bought `antecedent` also bought `consequent`", measured on the shop's own orders. */
export interface CoPurchaseRule {
  antecedent: string;
  consequent: string;
  /** Share of all orders that contain both products. */
  support: number;
  /** Share of orders with `antecedent` that also contain `consequent`. */
  confidence: number;
  /** Confidence divided by how often `consequent` is bought anyway; above 1 means they go together. */
  lift: number;
}

export interface CoPurchaseOptions {
  minSupport: number;
  minConfidence: number;
  /** Keep only the strongest rules. */
  maxRules?: number;
}

/**
 * The thresholds a shop's hints use, from how many orders they are read from: a pair needs at least two
 * orders behind it (a single coincidence is not a pattern), and at least one in ten buyers of a product.
 */
export function coPurchaseOptionsFor(totalOrders: number): CoPurchaseOptions {
  return { minSupport: totalOrders ? Math.max(2 / totalOrders, 0.001) : 1, minConfidence: 0.1, maxRules: 2000 };
}

/**
 * Pairwise association rules (both directions of every pair bought together). A product listed twice
 * in one order counts once. Every order counts toward the total, single-item orders included, so
 * support is a share of all orders.
 *
 * Sorted strongest first: by lift, then confidence, then support, then product IDs, so the same orders
 * always give the same list.
 */
export function coPurchaseRules(orders: { productIds: string[] }[], opts: CoPurchaseOptions): CoPurchaseRule[] {
  const total = orders.length;
  if (total === 0) return [];
  const itemCount = new Map<string, number>();
  const pairCount = new Map<string, Map<string, number>>();

  for (const order of orders) {
    const items = [...new Set(order.productIds)];
    for (const a of items) {
      itemCount.set(a, (itemCount.get(a) ?? 0) + 1);
      for (const b of items) {
        if (a === b) continue;
        const row = pairCount.get(a) ?? new Map<string, number>();
        row.set(b, (row.get(b) ?? 0) + 1);
        pairCount.set(a, row);
      }
    }
  }

  const rules: CoPurchaseRule[] = [];
  for (const [antecedent, row] of pairCount) {
    const aCount = itemCount.get(antecedent) ?? 0;
    for (const [consequent, both] of row) {
      const support = both / total;
      const confidence = both / aCount;
      if (support < opts.minSupport || confidence < opts.minConfidence) continue;
      const lift = confidence / ((itemCount.get(consequent) ?? 0) / total);
      rules.push({ antecedent, consequent, support, confidence, lift });
    }
  }

  rules.sort(
    (x, y) =>
      y.lift - x.lift ||
      y.confidence - x.confidence ||
      y.support - x.support ||
      compare(x.antecedent, y.antecedent) ||
      compare(x.consequent, y.consequent),
  );
  return opts.maxRules === undefined ? rules : rules.slice(0, Math.max(0, opts.maxRules));
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
