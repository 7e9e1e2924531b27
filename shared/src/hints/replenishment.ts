import { DAY_MS } from "../profile/days";

export interface Purchase {
  productId: string;
  title?: string;
  at: Date;
}

export interface ReplenishmentDue {
  productId: string;
  title?: string;
  /** Last purchase plus the mean gap between purchases; may be in the past (overdue). */
  dueAt: Date;
  meanGapDays: number;
}

/**
 * Products this customer buys again and again that are due within `horizonDays` of now, or overdue.
 * A product needs purchases at 2 or more distinct times (two lines of one order are one purchase);
 * the next is due at the last purchase plus the mean gap. Soonest due first.
 */
export function replenishmentDue(purchases: Purchase[], now: Date, horizonDays = 14): ReplenishmentDue[] {
  const byProduct = new Map<string, { times: Set<number>; title?: string; titleAt: number }>();
  for (const p of purchases) {
    const t = p.at.getTime();
    if (!Number.isFinite(t)) continue;
    const entry = byProduct.get(p.productId) ?? { times: new Set<number>(), titleAt: -Infinity };
    entry.times.add(t);
    if (p.title && t >= entry.titleAt) {
      entry.title = p.title; // the latest title, in case the product was renamed
      entry.titleAt = t;
    }
    byProduct.set(p.productId, entry);
  }

  const horizonEnd = now.getTime() + horizonDays * DAY_MS;
  const due: ReplenishmentDue[] = [];
  for (const [productId, { times, title }] of byProduct) {
    if (times.size < 2) continue;
    const first = Math.min(...times);
    const last = Math.max(...times);
    const meanGapMs = (last - first) / (times.size - 1);
    const dueAt = last + meanGapMs;
    if (dueAt > horizonEnd) continue;
    due.push({
      productId,
      ...(title === undefined ? {} : { title }),
      dueAt: new Date(dueAt),
      meanGapDays: meanGapMs / DAY_MS,
    });
  }
  return due.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || (a.productId < b.productId ? -1 : 1));
}
