import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CHANNEL_LABELS, LIFECYCLE_LABELS, formatMoney, nextTierLine, pointsLabel } from "./register";

describe("register labels", () => {
  it("says point or points to the next tier, and Top tier at the top", () => {
    expect(nextTierLine({ nextTier: "Gold", pointsToNextTier: 1 })).toBe("1 point to Gold");
    expect(nextTierLine({ nextTier: "Gold", pointsToNextTier: 120 })).toBe("120 points to Gold");
    expect(nextTierLine({ nextTier: null, pointsToNextTier: null })).toBe("Top tier");
    expect(pointsLabel(1)).toBe("1 point");
    expect(pointsLabel(0)).toBe("0 points");
  });

  it("labels stages and channels in the merchant's words, and formats money", () => {
    expect(LIFECYCLE_LABELS.converted).toBe("First-time buyer");
    expect(CHANNEL_LABELS.whatsapp).toBe("WhatsApp");
    expect(formatMoney(1234.5, "USD")).toBe("$1,234.50");
    expect(formatMoney(10, "XXX?")).toBe("10.00 XXX?");
  });

  it("bundles without zod, so POS extensions can import it", async () => {
    const out = await build({
      entryPoints: [fileURLToPath(new URL("./index.ts", import.meta.url))],
      bundle: true,
      write: false,
      format: "esm",
      metafile: true,
    });
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.filter((path) => path.includes("zod"))).toEqual([]);
    expect(inputs.some((path) => path.endsWith("loyalty/tiers.ts"))).toBe(true);
  });
});
