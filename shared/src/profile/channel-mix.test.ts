import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CHANNEL_MIX_RULE, CHANNEL_MIXES, channelMixOf } from "./channel-mix";

describe("channel mix", () => {
  it("names where a customer buys", () => {
    expect(channelMixOf({ orderCount: 2, onlineSpend: 1200, posSpend: 0 })).toBe("online_only");
    expect(channelMixOf({ orderCount: 1, onlineSpend: 0, posSpend: 500 })).toBe("in_store_only");
    expect(channelMixOf({ orderCount: 2, onlineSpend: 1, posSpend: 1 })).toBe("omnichannel");
    expect(channelMixOf({ orderCount: 1, onlineSpend: 0, posSpend: 0 })).toBe("no_spend");
    expect(channelMixOf({ orderCount: 0, onlineSpend: 0, posSpend: 0 })).toBe("no_orders");
  });

  it("puts every customer in exactly one group, refunds below zero included", () => {
    const spend = fc.integer({ min: -1e6, max: 1e6 });
    fc.assert(
      fc.property(fc.nat(20), spend, spend, (orderCount, onlineSpend, posSpend) => {
        const matching = CHANNEL_MIXES.filter((m) => {
          const rule = CHANNEL_MIX_RULE[m];
          if (!rule.hasOrders) return orderCount === 0;
          return orderCount > 0 && rule.online === onlineSpend > 0 && rule.inStore === posSpend > 0;
        });
        expect(matching).toEqual([channelMixOf({ orderCount, onlineSpend, posSpend })]);
      }),
    );
  });
});
