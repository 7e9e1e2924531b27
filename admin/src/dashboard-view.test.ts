import { describe, expect, it } from "vitest";
import {
  agencyUserError,
  channelMixEntries,
  rfmGrid,
  coverageEntries,
  fatigueEntries,
  fatigueSummary,
  lifecycleEntries,
  rollupRows,
  shareList,
  shareOf,
  type ShopDashboard,
} from "./dashboard-view";
import { bars } from "./view-model";

const shop = (shopId: string, over: Partial<ShopDashboard> = {}): ShopDashboard => ({
  shopId,
  asOf: "2026-11-25T10:00:00.000Z",
  profiles: 20,
  lifecycle: { new: 2, engaged: 3, converted: 5, loyal: 8, at_risk: 1, churned: 1 },
  channelMix: { online_only: 6, in_store_only: 4, omnichannel: 5, no_orders: 4, no_spend: 1 },
  fatigue: {
    under_0_3: 14,
    "0_3_to_0_5": 2,
    "0_5_to_0_7": 1,
    blocked_0_7_plus: 3,
    threshold: 0.7,
    shareAtOrAboveThreshold: 0.15,
  },
  currency: "USD",
  spendOverTime: [],
  rfmGrid: [],
  coverage: {
    profiles: 20,
    withEmail: 18,
    withPhone: 10,
    emailConsent: 9,
    smsConsent: 3,
    whatsappConsent: 0,
    pushConsent: 1,
  },
  ...over,
});

describe("dashboard charts", () => {
  it("lists every stage, mix and fatigue band in order, with the merchant's words", () => {
    const d = shop("a.myshopify.com");
    expect(lifecycleEntries(d).map((e) => [e.label, e.value])).toEqual([
      ["New", 2],
      ["Engaged", 3],
      ["First-time buyer", 5],
      ["Loyal", 8],
      ["At risk", 1],
      ["Churned", 1],
    ]);
    expect(channelMixEntries(d).map((e) => e.key)).toEqual([
      "online_only",
      "in_store_only",
      "omnichannel",
      "no_orders",
      "no_spend",
    ]);
    expect(channelMixEntries(d).reduce((s, e) => s + e.value, 0)).toBe(d.profiles);
    expect(fatigueEntries(d).map((e) => e.value)).toEqual([14, 2, 1, 3]);
    expect(fatigueSummary(d)).toBe(
      "15% of customers are at or above the fatigue threshold (0.70): " +
        "the send gate blocks marketing to them this week.",
    );
  });

  it("charts coverage as a share of every profile, not of the bars' sum", () => {
    const b = bars(coverageEntries(shop("a.myshopify.com")), 20);
    expect(b.find((x) => x.key === "withEmail")).toMatchObject({ value: 18, share: 90, width: 90 });
    expect(b.find((x) => x.key === "whatsappConsent")).toMatchObject({ share: 0, width: 0 });
    expect(bars(coverageEntries(shop("empty", { profiles: 0 })), 0).every((x) => x.share === 0 && x.width === 0)).toBe(
      true,
    );
  });
});

describe("agency roll-up rows", () => {
  const rollup = {
    flagShare: 0.6,
    shops: [
      shop("a.myshopify.com", { fatigueFlag: false } as Partial<ShopDashboard>),
      shop("b.myshopify.com", {
        profiles: 10,
        lifecycle: { new: 0, engaged: 0, converted: 3, loyal: 7, at_risk: 0, churned: 0 },
        channelMix: { online_only: 1, in_store_only: 6, omnichannel: 3, no_orders: 0, no_spend: 0 },
        fatigue: {
          under_0_3: 2,
          "0_3_to_0_5": 0,
          "0_5_to_0_7": 0,
          blocked_0_7_plus: 8,
          threshold: 0.7,
          shareAtOrAboveThreshold: 0.8,
        },
        coverage: {
          profiles: 10,
          withEmail: 10,
          withPhone: 5,
          emailConsent: 4,
          smsConsent: 1,
          whatsappConsent: 0,
          pushConsent: 0,
        },
        fatigueFlag: true,
      } as Partial<ShopDashboard>),
    ],
  };

  it("keeps each shop's figures in its own row, as percentages of that shop", () => {
    const [a, b] = rollupRows(rollup);
    expect(a!.shopId).toBe("a.myshopify.com");
    expect(a!.lifecycle.find((l) => l.stage === "loyal")!.share).toBe(40);
    expect(b!.lifecycle.find((l) => l.stage === "loyal")!.share).toBe(70);
    expect(b!.channelMix).toEqual([
      { key: "in_store_only", label: "In store", share: 60 },
      { key: "online_only", label: "Online", share: 10 },
      { key: "omnichannel", label: "Both", share: 30 },
    ]);
    expect(a!.coverage.find((c) => c.key === "withEmail")!.share).toBe(90);
    expect(b!.fatigueText).toBe("80% at or above 0.70");
  });

  it("flags a shop with more than the flag share at or above the threshold", () => {
    expect(rollupRows(rollup).map((r) => r.flagged)).toEqual([false, true]);
    // Without the server's flag the same rule applies: strictly more than 60%.
    const at = (share: number) =>
      rollupRows({
        flagShare: 0.6,
        shops: [shop("x", { fatigue: { ...shop("x").fatigue, shareAtOrAboveThreshold: share } })],
      })[0]!.flagged;
    expect(at(0.6)).toBe(false);
    expect(at(0.61)).toBe(true);
    expect(at(0)).toBe(false);
  });

  it("does not divide by zero for a shop with no customers", () => {
    const [row] = rollupRows({
      flagShare: 0.6,
      shops: [shop("empty", { profiles: 0, fatigue: { ...shop("x").fatigue, shareAtOrAboveThreshold: 0 } })],
    });
    expect(row!.lifecycle.every((l) => l.share === 0)).toBe(true);
    expect(row!.flagged).toBe(false);
    expect(shareOf(1, 0)).toBe(0);
  });

  it("reads a share list largest first without the zeros", () => {
    expect(
      shareList([
        { label: "New", share: 10 },
        { label: "Loyal", share: 70 },
        { label: "Churned", share: 0 },
      ]),
    ).toBe("Loyal 70% · New 10%");
    expect(shareList([])).toBe("—");
  });

  it("checks the user ID before granting", () => {
    expect(agencyUserError("  ")).toMatch(/enter the Shopify user ID/);
    expect(agencyUserError("x".repeat(101))).toMatch(/at most 100/);
    expect(agencyUserError(" 7431 ")).toBeNull();
  });
});

describe("dashboard click-through and RFM grid", () => {
  it("links every stage, mix and coverage bar to the matching customer list", () => {
    const d = shop("a.myshopify.com");
    expect(lifecycleEntries(d).find((e) => e.key === "loyal")?.url).toBe("/admin/customers?stage=loyal");
    expect(channelMixEntries(d).find((e) => e.key === "no_spend")?.url).toBe("/admin/customers?channelMix=no_spend");
    expect(coverageEntries(d).map((e) => e.url)).toEqual([
      "/admin/customers?has=email",
      "/admin/customers?has=phone",
      "/admin/customers?consent=email",
      "/admin/customers?consent=sms",
      "/admin/customers?consent=whatsapp",
      "/admin/customers?consent=push",
    ]);
  });

  it("lays the RFM grid out recent-first, every cell present, shaded by the fullest", () => {
    const grid = rfmGrid({
      rfmGrid: [
        { r: 5, f: 5, count: 4 },
        { r: 1, f: 2, count: 2 },
      ],
    });
    expect(grid.map((row) => row[0]!.r)).toEqual([5, 4, 3, 2, 1]);
    expect(grid.every((row) => row.map((c) => c.f).join() === "1,2,3,4,5")).toBe(true);
    expect(grid[0]![4]).toEqual({ r: 5, f: 5, count: 4, weight: 1, url: "/admin/customers?rfmR=5&rfmF=5" });
    expect(grid[4]![1]).toMatchObject({ count: 2, weight: 0.5 });
    expect(grid[2]![2]).toMatchObject({ count: 0, weight: 0 });
  });
});
