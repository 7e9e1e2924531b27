import type { Bench } from "../context";
import { fmt, timed } from "../measure";

/** Unsubscribe one customer, then the gate must refuse every channel: the time for the whole sequence. */
export async function measureUnsubscribe(b: Bench, profileId: string) {
  const unsub = await timed(async () => {
    const res = await fetch(`${b.base}/api/unsubscribe`, {
      method: "POST",
      headers: b.auth,
      body: JSON.stringify({ profileId }),
    });
    if (!res.ok) return res.status;
    for (const channel of ["email", "sms", "whatsapp", "push"]) {
      const gate = await fetch(`${b.base}/api/gate/check`, {
        method: "POST",
        headers: b.auth,
        body: JSON.stringify({ profileId, channel }),
      });
      const body = (await gate.json()) as { allowed?: boolean };
      if (body.allowed !== false) throw new Error(`gate still allows ${channel} after unsubscribe`);
    }
    return 200;
  });
  b.rows.push({
    what: "unsubscribe → blocked on every channel",
    figure: unsub.value === 200 ? `${fmt(unsub.ms, 1)} ms` : `not available (${unsub.value})`,
    baseline: "—",
    ratio: "",
    target: "<= 1 s",
    note: unsub.value === 200 && unsub.ms <= 1000 ? "met" : "",
  });
}
