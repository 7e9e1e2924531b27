import { describe, expect, it } from "vitest";
import { ServerCallError, type ConsentCaptureBody } from "./api";
import { OUTBOX_BUDGET_CHARS, Outbox, OutboxFullError, type OutboxEntry } from "./offline-queue";
import { STORAGE_KEYS } from "./storage";
import { fakeStorage } from "./test-support";

const consent = (id: string, queuedAt: string): OutboxEntry => ({
  kind: "consent",
  id,
  queuedAt,
  body: {
    id,
    shopifyCustomerId: "1",
    channel: "email",
    action: "granted",
    text: "t",
    textVersion: 1,
    actedAt: queuedAt,
    source: "pos",
  } as ConsentCaptureBody,
});

function recordingSender(fail?: (id: string) => Error | undefined) {
  const sent: string[] = [];
  return {
    sent,
    sender: {
      async consent(body: ConsentCaptureBody) {
        await new Promise((r) => setTimeout(r, 5));
        const error = fail?.(body.id);
        if (error) throw error;
        sent.push(body.id);
      },
      async visit() {},
    },
  };
}

describe("Outbox", () => {
  it("keeps entries in storage until sent, oldest first, and sends each once even when flushes overlap", async () => {
    const storage = fakeStorage();
    const { sent, sender } = recordingSender();
    const outbox = new Outbox(storage, sender);
    await outbox.add(consent("b", "2026-03-02T10:00:02Z"));
    await outbox.add(consent("a", "2026-03-02T10:00:01Z"));
    // One record holds the whole queue.
    expect([...storage.map.keys()]).toEqual([STORAGE_KEYS.outbox]);
    await Promise.all([outbox.flush(), outbox.flush(), new Outbox(storage, sender).flush()]);
    expect(sent).toEqual(["a", "b"]);
    expect(await outbox.pending()).toEqual([]);
  });

  it("stops at a network failure and keeps the rest for later", async () => {
    const storage = fakeStorage();
    let down = true;
    const { sent, sender } = recordingSender(() =>
      down ? new ServerCallError("offline", "Cannot reach the server.") : undefined,
    );
    const outbox = new Outbox(storage, sender);
    await outbox.add(consent("a", "2026-03-02T10:00:01Z"));
    await outbox.add(consent("b", "2026-03-02T10:00:02Z"));
    expect(await outbox.flush()).toMatchObject({ sent: [], waiting: 2 });
    down = false;
    const result = await outbox.flush();
    expect(result.sent.map((e) => e.id)).toEqual(["a", "b"]);
    expect(sent).toEqual(["a", "b"]);
  });

  it("drops what the server refused (a 4xx will not succeed on retry) and reports why", async () => {
    const storage = fakeStorage();
    const { sender } = recordingSender((id) =>
      id === "a" ? new ServerCallError("rejected", "Consent text version 9 is unknown.", 422) : undefined,
    );
    const outbox = new Outbox(storage, sender);
    await outbox.add(consent("a", "2026-03-02T10:00:01Z"));
    await outbox.add(consent("b", "2026-03-02T10:00:02Z"));
    const result = await outbox.flush();
    expect(result.rejected).toEqual([
      { entry: expect.objectContaining({ id: "a" }), message: "Consent text version 9 is unknown." },
    ]);
    expect(result.sent.map((e) => e.id)).toEqual(["b"]);
    expect(await outbox.pending()).toEqual([]);
  });

  it("retries a 429 later instead of dropping it", async () => {
    const { sender } = recordingSender(() => new ServerCallError("rejected", "Slow down.", 429));
    const outbox = new Outbox(fakeStorage(), sender);
    await outbox.add(consent("a", "2026-03-02T10:00:01Z"));
    expect(await outbox.flush()).toMatchObject({ rejected: [], waiting: 1 });
  });

  it("500 actions queued offline fit one storage record; on reconnect each reaches the server once", async () => {
    // The rest of the extension's storage is in use too: 98 other records, so only 2 are left.
    const storage = fakeStorage(Object.fromEntries(Array.from({ length: 98 }, (_, i) => [`other:${i}`, { i }])));
    const server = { down: true, received: new Map<string, number>() };
    const receive = async (id: string) => {
      await Promise.resolve();
      if (server.down) throw new ServerCallError("offline", "Cannot reach the server.");
      server.received.set(id, (server.received.get(id) ?? 0) + 1);
    };
    const outbox = new Outbox(storage, { consent: (body) => receive(body.id), visit: (body) => receive(body.id) });
    const ids: string[] = [];
    for (let i = 0; i < 500; i++) {
      const id = `action-${String(i).padStart(4, "0")}`;
      const at = new Date(Date.UTC(2026, 2, 2, 10, 0, i)).toISOString();
      ids.push(id);
      if (i % 2) await outbox.add(consent(id, at));
      else await outbox.add({ kind: "visit", id, queuedAt: at, body: { id, shopifyCustomerId: String(i), at } });
      // Offline, the register keeps trying (every reconnect attempt, every new action): nothing leaves.
      if (i % 50 === 0) expect(await outbox.flush()).toMatchObject({ sent: [], waiting: i + 1 });
    }
    expect(storage.map.size).toBe(99);
    expect((await outbox.pending()).map((e) => e.id)).toEqual(ids);

    // Back online; flaky Wi-Fi fires several reconnects at once, from two targets.
    server.down = false;
    const other = new Outbox(storage, { consent: (body) => receive(body.id), visit: (body) => receive(body.id) });
    const results = await Promise.all([outbox.flush(), other.flush(), outbox.flush()]);
    expect(results.flatMap((r) => r.sent).length).toBe(500);
    expect([...server.received.keys()].sort()).toEqual(ids);
    expect([...server.received.values()].every((count) => count === 1)).toBe(true);
    expect(await outbox.pending()).toEqual([]);
    expect(storage.map.has(STORAGE_KEYS.outbox)).toBe(false);
  });

  it("never drops silently: past its budget the queue refuses a new action with a reason, keeps the rest", async () => {
    const storage = fakeStorage();
    const outbox = new Outbox(storage, recordingSender().sender);
    const big = "x".repeat(Math.ceil(OUTBOX_BUDGET_CHARS / 4));
    const withText = (id: string, at: string): OutboxEntry => {
      const entry = consent(id, at);
      return { ...entry, body: { ...entry.body, text: big } } as OutboxEntry;
    };
    await outbox.add(withText("a", "2026-03-02T10:00:01Z"));
    await outbox.add(withText("b", "2026-03-02T10:00:02Z"));
    await outbox.add(withText("c", "2026-03-02T10:00:03Z"));
    const refused = await outbox.add(withText("d", "2026-03-02T10:00:04Z")).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OutboxFullError);
    expect((refused as Error).message).toContain("holding 3 actions");
    expect((await outbox.pending()).map((e) => e.id)).toEqual(["a", "b", "c"]);
  });

  it("takes over the one-record-per-action entries an older version left behind", async () => {
    const storage = fakeStorage({ [`${STORAGE_KEYS.legacyOutboxPrefix}old`]: consent("old", "2026-03-01T09:00:00Z") });
    const { sent, sender } = recordingSender();
    const outbox = new Outbox(storage, sender);
    await outbox.add(consent("new", "2026-03-02T10:00:00Z"));
    expect([...storage.map.keys()]).toEqual([STORAGE_KEYS.outbox]);
    await outbox.flush();
    expect(sent).toEqual(["old", "new"]);
  });
});
