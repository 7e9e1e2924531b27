/**
 * Where a customer buys, from their orders and spend by channel. Every customer is in exactly one group,
 * so the dashboard's groups add up to the number of customers: one with orders that kept no spend
 * (refunded in full, or free) is "no_spend", not lost between the groups.
 */
export const CHANNEL_MIXES = ["online_only", "in_store_only", "omnichannel", "no_orders", "no_spend"] as const;
export type ChannelMix = (typeof CHANNEL_MIXES)[number];

/** The rule as data, so a set-based SQL count builds its filters from the same table. */
export const CHANNEL_MIX_RULE: Record<ChannelMix, { hasOrders: boolean; online: boolean; inStore: boolean }> = {
  online_only: { hasOrders: true, online: true, inStore: false },
  in_store_only: { hasOrders: true, online: false, inStore: true },
  omnichannel: { hasOrders: true, online: true, inStore: true },
  no_spend: { hasOrders: true, online: false, inStore: false },
  no_orders: { hasOrders: false, online: false, inStore: false },
};

export function channelMixOf(p: { orderCount: number; onlineSpend: number; posSpend: number }): ChannelMix {
  if (p.orderCount <= 0) return "no_orders";
  const online = p.onlineSpend > 0;
  const inStore = p.posSpend > 0;
  return CHANNEL_MIXES.find((m) => {
    const rule = CHANNEL_MIX_RULE[m];
    return rule.hasOrders && rule.online === online && rule.inStore === inStore;
  })!;
}

export const CHANNEL_MIX_LABELS: Record<ChannelMix, string> = {
  online_only: "Online only",
  in_store_only: "In store only",
  omnichannel: "Omnichannel",
  no_orders: "No orders yet",
  no_spend: "Orders, all refunded",
};
