import type { Bench } from "../context";
import { fmt, timed } from "../measure";

/** Whole-shop enrichment (beside one full-table UPDATE) and the audience gate over every profile. */
export async function measureWholeShop(b: Bench) {
  const recompute = await timed(() =>
    fetch(`${b.base}/api/enrichment/recompute`, { method: "POST", headers: b.auth, body: "{}" }),
  );
  const updateBase = await timed(() => b.raw`UPDATE profiles SET churn_risk = churn_risk WHERE shop_id = ${b.shopId}`);
  b.rows.push({
    what: "whole-shop enrichment",
    figure: recompute.value.ok
      ? `${fmt(recompute.ms / 1000, 2)} s for ${b.totalProfiles.toLocaleString()} profiles`
      : `not available (${recompute.value.status})`,
    baseline: `${fmt(updateBase.ms / 1000, 2)} s full-table UPDATE`,
    ratio: recompute.value.ok ? fmt(recompute.ms / updateBase.ms, 1) + "x" : "",
    target: "<= 30 s at 1,000,000",
    note: !recompute.value.ok
      ? ""
      : (recompute.ms / 1000) * (1_000_000 / b.totalProfiles) <= 30
        ? "met (scaled to 1 M)"
        : "missed (scaled to 1 M)",
  });

  const audience = await timed(() =>
    fetch(`${b.base}/api/gate/audience`, {
      method: "POST",
      headers: b.auth,
      body: JSON.stringify({ all: true, channel: "sms" }),
    }),
  );
  b.rows.push({
    what: "audience gate",
    figure: audience.value.ok
      ? `${fmt(audience.ms / 1000, 2)} s for ${b.totalProfiles.toLocaleString()} decisions`
      : `not available (${audience.value.status})`,
    baseline: "—",
    ratio: "",
    target: "<= 3 s at 1,000,000",
    note: !audience.value.ok
      ? ""
      : (audience.ms / 1000) * (1_000_000 / b.totalProfiles) <= 3
        ? "met (scaled to 1 M)"
        : "missed (scaled to 1 M)",
  });
}
