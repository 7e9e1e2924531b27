import { describe, expect, it } from "vitest";
import {
  customersPath,
  describeFilters,
  filtersFromSearch,
  inventoryRows,
  monthLabel,
  monthSeries,
  placeFieldErrors,
  bars,
  countRows,
  describeSettingsEffects,
  eraseConfirmed,
  expiresIn,
  formatDate,
  formatMoney,
  fullName,
  mergedTarget,
  pageInfo,
  parseTiers,
  searchParams,
  settingsForm,
  settingsPatch,
  stageLabel,
  stageTone,
  type SettingsLike,
} from "./view-model";

const settings: SettingsLike = {
  timeZone: "UTC",
  defaultCountry: "US",
  lifecycle: {
    engagedWindowDays: 14,
    engagementLookbackDays: 30,
    engagedMinVisits: 3,
    atRiskDays: 30,
    churnedDays: 90,
  },
  identityLimits: { maxShopifyIds: 1, maxEmails: 5, maxPhones: 3 },
  undoWindowDays: 7,
  junkIdentifiers: ["n/a", "test@test.com"],
  caps: { globalDaily: 3, email: 5, sms: 1, whatsapp: 2, push: 3 },
  fatigueThreshold: 0.7,
  quietHours: { start: "21:00", end: "09:00" },
  loyalty: {
    pointsPerUnit: 1,
    tiers: [
      { name: "Bronze", minPoints: 0 },
      { name: "Silver", minPoints: 500 },
      { name: "Gold", minPoints: 1500 },
    ],
  },
};

describe("labels and formats", () => {
  it("names stages and tones in the merchant's words", () => {
    expect(stageLabel("at_risk")).toBe("At risk");
    expect(stageLabel("mystery")).toBe("mystery");
    expect(stageTone("churned")).toBe("critical");
    expect(stageTone("new")).toBeUndefined();
  });
  it("formats money, dates and names", () => {
    expect(formatMoney(1234.5, "USD")).toBe("$1,234.50");
    expect(formatMoney(10, "XXX?")).toBe("10.00 XXX?");
    expect(formatDate("2026-11-25T23:30:00Z", "UTC")).toBe("25 Nov 2026");
    expect(formatDate("2026-11-25T23:30:00Z", "Asia/Tokyo")).toBe("26 Nov 2026");
    expect(formatDate(null)).toBe("—");
    expect(fullName({ firstName: "Sarah", lastName: null })).toBe("Sarah");
    expect(fullName({ firstName: " ", lastName: null })).toBe("Unnamed customer");
  });
});

describe("paging and search", () => {
  it("labels a page and knows its neighbours", () => {
    expect(pageInfo(0, 25, 0)).toMatchObject({ label: "No customers", hasNext: false, hasPrevious: false });
    expect(pageInfo(60, 25, 25)).toMatchObject({
      label: "26–50 of 60",
      hasNext: true,
      hasPrevious: true,
      previousOffset: 0,
      nextOffset: 50,
    });
    expect(pageInfo(60, 25, 50)).toMatchObject({ label: "51–60 of 60", hasNext: false });
  });
  it("leaves empty filters out of the query string", () => {
    expect(searchParams({ query: "  ", stage: "", limit: 25, offset: 0 })).toBe("?limit=25");
    expect(searchParams({ query: "sarah@x.com", stage: "loyal", channelMix: "omnichannel", offset: 50 })).toBe(
      "?query=sarah%40x.com&stage=loyal&channelMix=omnichannel&offset=50",
    );
    expect(searchParams({})).toBe("");
  });
});

describe("charts", () => {
  it("scales bars to the largest and shares to the total", () => {
    const b = bars([
      { key: "a", label: "A", value: 30 },
      { key: "b", label: "B", value: 10 },
    ]);
    expect(b.map((x) => [x.width, x.share])).toEqual([
      [100, 75],
      [33.3, 25],
    ]);
    expect(bars([{ key: "z", label: "Z", value: 0 }])[0]).toMatchObject({ width: 0, share: 0 });
  });
});

describe("settings form", () => {
  it("round-trips without a patch when nothing changed", () => {
    expect(settingsPatch(settings, settingsForm(settings))).toEqual({ patch: {}, errors: {} });
  });
  it("sends only the changed section, with numbers", () => {
    const form = { ...settingsForm(settings), "lifecycle.atRiskDays": "180", "lifecycle.churnedDays": "365" };
    const { patch, errors } = settingsPatch(settings, form);
    expect(errors).toEqual({});
    expect(patch).toEqual({ lifecycle: { ...settings.lifecycle, atRiskDays: 180, churnedDays: 365 } });
  });
  it("names every field that is wrong", () => {
    const form = { ...settingsForm(settings), "caps.sms": "", quietStart: "9pm", defaultCountry: "USA", tiers: "Gold" };
    expect(Object.keys(settingsPatch(settings, form).errors).sort()).toEqual([
      "caps.sms",
      "defaultCountry",
      "quietStart",
      "tiers",
    ]);
  });
  it("parses tiers in points order and dedupes junk identifiers", () => {
    expect(parseTiers("Gold: 1500\nBronze:0\n\nSilver : 500").tiers.map((t) => t.name)).toEqual([
      "Bronze",
      "Silver",
      "Gold",
    ]);
    expect(parseTiers("").error).toMatch(/at least one/);
    const { patch } = settingsPatch(settings, { ...settingsForm(settings), junkIdentifiers: "n/a\nn/a\n none \n" });
    expect(patch).toEqual({ junkIdentifiers: ["n/a", "none"] });
  });
  it("describes what a change did", () => {
    expect(describeSettingsEffects({ restaged: 120, stageChanged: 14 })).toEqual([
      "Re-staged 120 profiles; 14 changed lifecycle stage.",
    ]);
    expect(describeSettingsEffects({ appliesToNewEvents: ["defaultCountry"] })).toEqual([
      "Applies to new events from now on: defaultCountry.",
    ]);
    expect(describeSettingsEffects({})).toEqual(["Saved. Nothing needed recomputing."]);
  });
});

describe("GDPR and devices", () => {
  it("erases only after the exact word", () => {
    expect(eraseConfirmed("erase")).toBe(false);
    expect(eraseConfirmed(" ERASE ")).toBe(true);
  });
  it("flattens a counts document into rows", () => {
    expect(countRows({ profileId: "p1", counts: { identityLinks: 2, consents: 3 }, messages: [1, 2] })).toEqual([
      { label: "Profile Id", value: "p1" },
      { label: "Counts › Identity Links", value: "2" },
      { label: "Counts › Consents", value: "3" },
      { label: "Messages", value: "2" },
    ]);
    expect(countRows(null)).toEqual([]);
  });
  it("knows when a merged profile was followed", () => {
    expect(mergedTarget("a", "b")).toBe("b");
    expect(mergedTarget("a", "a")).toBeNull();
  });
  it("counts a pairing code down", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    expect(expiresIn("2026-01-01T00:09:30Z", now)).toBe("expires in 9 min 30 s");
    expect(expiresIn("2026-01-01T00:00:05Z", now)).toBe("expires in 5 s");
    expect(expiresIn("2025-12-31T00:00:00Z", now)).toBe("expired");
  });
});

describe("admin view-model for #20 (filters, server field errors, months, inventory)", () => {
  it("reads and writes the customer-list filters the dashboard links to", () => {
    expect(filtersFromSearch("?stage=loyal&rfmR=5&rfmF=1&bogus=1")).toEqual({ stage: "loyal", rfmR: "5", rfmF: "1" });
    expect(customersPath({ consent: "sms" })).toBe("/admin/customers?consent=sms");
    expect(describeFilters({ rfmR: "5", has: "phone", consent: "whatsapp" })).toEqual([
      "Recency score 5",
      "Has a phone",
      "WhatsApp opt-in",
    ]);
  });

  it("places the server's refusals on their inputs and keeps the rest for the banner", () => {
    const formKeys = Object.keys(settingsForm(settings));
    const placed = placeFieldErrors(
      [
        { field: "lifecycle.atRiskDays", message: "At-risk must be at least 1 day" },
        { field: "quietHours.start", message: "Quiet hours start: use HH:MM, 24-hour" },
        { field: "loyalty.tiers", message: "Loyalty tiers cannot be empty" },
        { field: null, message: "shopName is not a setting" },
      ],
      formKeys,
    );
    expect(placed.errors).toEqual({
      "lifecycle.atRiskDays": "At-risk must be at least 1 day",
      quietStart: "Quiet hours start: use HH:MM, 24-hour",
      tiers: "Loyalty tiers cannot be empty",
    });
    expect(placed.unplaced).toEqual(["shopName is not a setting"]);
  });

  it("refuses a time zone or country the server would refuse, before sending", () => {
    const { errors } = settingsPatch(settings, {
      ...settingsForm(settings),
      timeZone: "Mars/Olympus",
      defaultCountry: "XX",
    });
    expect(errors.timeZone).toBe("Time zone must be an IANA time zone such as Europe/Berlin");
    expect(errors.defaultCountry).toBe("Default country must be a two-letter country code such as US or DE");
  });

  it("fills quiet months with zeros up to the month of asOf", () => {
    const zero = { orders: 0, spend: 0, refunds: 0 };
    const rows = [
      { month: "2026-09", orders: 2, spend: 90, refunds: 0 },
      { month: "2026-11", orders: 1, spend: 40, refunds: 10 },
    ];
    expect(monthSeries(rows, "2026-12-02T10:00:00Z", zero).map((m) => [m.month, m.orders])).toEqual([
      ["2026-09", 2],
      ["2026-10", 0],
      ["2026-11", 1],
      ["2026-12", 0],
    ]);
    const year = monthSeries(rows, "2026-12-02T10:00:00Z", zero, 12);
    expect(year).toHaveLength(12);
    expect(year[0]!.month).toBe("2026-01");
    expect(monthLabel("2026-03")).toBe("Mar 2026");
  });

  it("says the data inventory in words, with dates in the shop's time zone", () => {
    const rows = inventoryRows(
      {
        profiles: 120,
        profilesWithEmail: 100,
        profilesWithPhone: 60,
        erasedProfiles: 2,
        oldestRecordAt: "2024-01-31T23:30:00.000Z",
        dataRequests: 1,
        erasedCustomersHeldBack: { webhooks: 2, captures: 1, sessions: 0, backfillRows: 0, lastAt: null },
        retention: { policy: "kept until erased", automaticDeletion: false, inactiveOver2Years: 4 },
      },
      "Europe/Berlin",
    );
    expect(rows.find((r) => r.label === "Oldest record")?.value).toBe("1 Feb 2024");
    expect(rows.find((r) => r.label === "Inactive for over 2 years")?.value).toBe("4");
    expect(rows.find((r) => r.label === "Late data about erased customers kept out")?.value).toBe("3");
    expect(rows.every((r) => !/[a-z][A-Z]|\d{4}-\d{2}-\d{2}T/.test(`${r.label} ${r.value}`))).toBe(true);
  });
});
