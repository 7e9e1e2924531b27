import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CHANNEL_MIX_RULE, CHANNEL_MIXES, channelMixOf } from "./channel-mix";

describe("channel mix", () => {
  it("names where a customer buys", () => {
    expect(channelMixOf({ onlineSpend: 1200, posSpend: 0 })).toBe("online_only");
    expect(channelMixOf({ onlineSpend: 0, posSpend: 500 })).toBe("in_store_only");
    expect(channelMixOf({ onlineSpend: 1, posSpend: 1 })).toBe("omnichannel");
    expect(channelMixOf({ onlineSpend: 0, posSpend: 0 })).toBe("no_orders");
  });

  it("puts every customer in exactly one group, refunds below zero included", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -1e6, max: 1e6 }), (onlineSpend, posSpend) => {
        const matching = CHANNEL_MIXES.filter((m) => {
          const rule = CHANNEL_MIX_RULE[m];
          return rule.online === onlineSpend > 0 && rule.inStore === posSpend > 0;
        });
        expect(matching).toEqual([channelMixOf({ onlineSpend, posSpend })]);
      }),
    );
  });
});
