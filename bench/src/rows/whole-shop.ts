import type { Bench, Row } from "../context";
import { fmt, timed } from "../measure";

/**
 * Whole-shop enrichment, the nightly pass as the admin's "Recompute" runs it (RFM breaks, every profile
 * re-staged, then the duplicate scan), beside one full-table UPDATE; and the audience gate over every profile.
 */
export async function measureWholeShop(b: Bench) {
  const recompute = await timed(() => post(b, "/api/enrichment/recompute", "{}"));
  const updateBase = await timed(() => b.raw`UPDATE profiles SET churn_risk = churn_risk WHERE shop_id = ${b.shopId}`);
  b.rows.push(
    wholeShopRow(b, "whole-shop enrichment (with the duplicate scan)", recompute, {
      counted: "profiles",
      targetSeconds: 30,
      baseline: { text: `${fmt(updateBase.ms / 1000, 2)} s full-table UPDATE`, ms: updateBase.ms },
    }),
  );

  const audience = await timed(() => post(b, "/api/gate/audience", JSON.stringify({ all: true, channel: "sms" })));
  b.rows.push(wholeShopRow(b, "audience gate", audience, { counted: "decisions", targetSeconds: 3 }));
}

/**
 * A whole-shop request's outcome. One that gets no answer within fetch's five minutes (undici's headers
 * timeout) is a row that says so, not a bench that stops before the rows after it.
 */
async function post(b: Bench, path: string, body: string): Promise<{ ok: boolean; status: string }> {
  try {
    const res = await fetch(`${b.base}${path}`, { method: "POST", headers: b.auth, body });
    await res.arrayBuffer();
    return { ok: res.ok, status: String(res.status) };
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    return { ok: false, status: cause === "UND_ERR_HEADERS_TIMEOUT" ? "no answer within 300 s" : String(e) };
  }
}

/**
 * One pass over the whole shop through the API as a table row: its time (or why there is none), and
 * whether it meets its target at 1,000,000 profiles, scaled linearly from the shop's size.
 */
function wholeShopRow(
  b: Bench,
  what: string,
  pass: { value: { ok: boolean; status: string }; ms: number },
  o: { counted: string; targetSeconds: number; baseline?: { text: string; ms: number } },
): Row {
  const { ok, status } = pass.value;
  const atMillion = (pass.ms / 1000) * (1_000_000 / b.totalProfiles);
  return {
    what,
    figure: ok
      ? `${fmt(pass.ms / 1000, 2)} s for ${b.totalProfiles.toLocaleString()} ${o.counted}`
      : `not available (${status})`,
    baseline: o.baseline?.text ?? "—",
    ratio: ok && o.baseline ? fmt(pass.ms / o.baseline.ms, 1) + "x" : "",
    target: `<= ${o.targetSeconds} s at 1,000,000`,
    note: !ok ? "" : atMillion <= o.targetSeconds ? "met (scaled to 1 M)" : "missed (scaled to 1 M)",
  };
}
