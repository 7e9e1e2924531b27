/**
 * Where a customer buys, from their spend by channel. Every customer is in exactly one group, so the
 * dashboard's groups add up to the number of customers; one who only ever had zero-value or fully
 * refunded orders counts as "no orders yet".
 */
export const CHANNEL_MIXES = ["online_only", "in_store_only", "omnichannel", "no_orders"] as const;
export type ChannelMix = (typeof CHANNEL_MIXES)[number];

/** The rule as data, so a set-based SQL count builds its filters from the same table: paid online / in store. */
export const CHANNEL_MIX_RULE: Record<ChannelMix, { online: boolean; inStore: boolean }> = {
  online_only: { online: true, inStore: false },
  in_store_only: { online: false, inStore: true },
  omnichannel: { online: true, inStore: true },
  no_orders: { online: false, inStore: false },
};

export function channelMixOf(spend: { onlineSpend: number; posSpend: number }): ChannelMix {
  const online = spend.onlineSpend > 0;
  const inStore = spend.posSpend > 0;
  return CHANNEL_MIXES.find((m) => CHANNEL_MIX_RULE[m].online === online && CHANNEL_MIX_RULE[m].inStore === inStore)!;
}

export const CHANNEL_MIX_LABELS: Record<ChannelMix, string> = {
  online_only: "Online only",
  in_store_only: "In store only",
  omnichannel: "Omnichannel",
  no_orders: "No orders yet",
};
