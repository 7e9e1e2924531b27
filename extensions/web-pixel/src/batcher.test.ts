import { describe, expect, it } from "vitest";
import { Batcher, FLUSH_DELAY_MS, MAX_ATTEMPTS, MAX_BATCH, MAX_PENDING, sessionFor, SESSION_IDLE_MS } from "./batcher";
import type { OutgoingEvent } from "./events";

/** A batcher with a hand-run timer and a recording send. */
function harness(answers: (boolean | Error)[] = []) {
  const sent: OutgoingEvent[][] = [];
  let timer: { run: () => void; ms: number } | null = null;
  const batcher = new Batcher({
    async send(events) {
      sent.push(events);
      const answer = answers.shift() ?? true;
      if (answer instanceof Error) throw answer;
      return answer;
    },
    setTimer: (run, ms) => (timer = { run, ms }),
    clearTimer: () => void (timer = null),
  });
  const tick = async () => {
    const t = timer;
    timer = null;
    t?.run();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { batcher, sent, tick, timerMs: () => timer?.ms ?? null };
}

let n = 0;
const view = (): OutgoingEvent => ({ id: `e${++n}`, name: "page_viewed", at: "2026-11-25T12:00:00.000Z" });

describe("Batcher", () => {
  it("holds a page's events for a moment and sends them together", async () => {
    const h = harness();
    h.batcher.add(view());
    h.batcher.add(view());
    expect(h.sent).toEqual([]);
    expect(h.timerMs()).toBe(FLUSH_DELAY_MS);
    await h.tick();
    expect(h.sent.map((b) => b.length)).toEqual([2]);
    expect(h.batcher.size).toBe(0);
  });

  it("sends at once when the batch is full, never more than the server takes", async () => {
    const h = harness();
    for (let i = 0; i < MAX_BATCH * 2 + 3; i++) h.batcher.add(view());
    await new Promise((r) => setTimeout(r, 0));
    await h.tick();
    expect(h.sent.every((b) => b.length <= MAX_BATCH)).toBe(true);
    expect(h.sent.flat()).toHaveLength(MAX_BATCH * 2 + 3);
    // in order, each event once
    expect(new Set(h.sent.flat().map((e) => e.id)).size).toBe(MAX_BATCH * 2 + 3);
  });

  it("sends an event that names the buyer at once: the page may be left right after checkout", async () => {
    const h = harness();
    h.batcher.add(view());
    h.batcher.add({ ...view(), name: "checkout_completed", email: "sarah@mailbox.org" });
    await new Promise((r) => setTimeout(r, 0));
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]!.map((e) => e.name)).toEqual(["page_viewed", "checkout_completed"]);
  });

  it("retries a failed batch first, then gives up after the last attempt", async () => {
    const h = harness([false, new Error("offline"), false]);
    const first = view();
    h.batcher.add(first);
    await h.tick(); // attempt 1 fails
    h.batcher.add(view());
    await h.tick(); // attempt 2 (throws): first event again, at the front
    expect(h.sent[1]![0]!.id).toBe(first.id);
    await h.tick(); // attempt 3 fails: the first event is dropped, the second still has tries left
    expect(h.batcher.dropped).toBe(1);
    await h.tick();
    expect(h.sent.at(-1)!.map((e) => e.id)).not.toContain(first.id);
    expect(h.batcher.size).toBe(0);
    expect(MAX_ATTEMPTS).toBe(3);
  });

  it("drops the oldest past the pending cap while the server does not answer", async () => {
    const sent: OutgoingEvent[][] = [];
    // A server that never answers: the first full batch stays in flight, the rest wait.
    const batcher = new Batcher({
      send: (events) => (sent.push(events), new Promise<boolean>(() => {})),
      setTimer: () => 1,
      clearTimer: () => {},
    });
    const events = Array.from({ length: MAX_PENDING + MAX_BATCH + 15 }, () => view());
    for (const e of events) batcher.add(e);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toHaveLength(MAX_BATCH);
    expect(batcher.size).toBe(MAX_PENDING);
    expect(batcher.dropped).toBe(15);
  });
});

describe("sessionFor", () => {
  const newId = () => "fresh";
  it("keeps the tab's session while events keep coming, and starts another after 30 idle minutes", () => {
    expect(sessionFor(null, 1_000, newId)).toEqual({ id: "fresh", lastAt: 1_000 });
    expect(sessionFor({ id: "s1", lastAt: 1_000 }, 1_000 + SESSION_IDLE_MS - 1, newId)).toEqual({
      id: "s1",
      lastAt: 1_000 + SESSION_IDLE_MS - 1,
    });
    expect(sessionFor({ id: "s1", lastAt: 1_000 }, 1_000 + SESSION_IDLE_MS, newId).id).toBe("fresh");
    // a clock that went backwards starts a new session rather than trusting it
    expect(sessionFor({ id: "s1", lastAt: 5_000 }, 1_000, newId).id).toBe("fresh");
  });
});
