/**
 * When this customer will probably order next: the last order plus their mean gap between orders.
 * Needs 2 or more orders (one order has no gap); the mean gap is (last − first) / (orders − 1).
 * Invalid dates are ignored. The result may be in the past: that customer is overdue.
 */
export function predictNextOrder(orderDates: Date[]): Date | null {
  const times = orderDates.map((d) => d.getTime()).filter(Number.isFinite);
  if (times.length < 2) return null;
  const first = Math.min(...times);
  const last = Math.max(...times);
  return new Date(last + (last - first) / (times.length - 1));
}
