import { describe, expect, it } from "vitest";
import { ServerCallError, type ConsentCaptureBody } from "./api";
import { Outbox, type OutboxEntry } from "./offline-queue";
import { fakeStorage } from "./test-host";

const consent = (id: string, queuedAt: string): OutboxEntry => ({
  kind: "consent",
  id,
  queuedAt,
  body: { id, shopifyCustomerId: "1", channel: "email", action: "granted", text: "t", textVersion: 1, actedAt: queuedAt, source: "pos" } as ConsentCaptureBody,
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
    expect(storage.map.size).toBe(2);
    await Promise.all([outbox.flush(), outbox.flush(), new Outbox(storage, sender).flush()]);
    expect(sent).toEqual(["a", "b"]);
    expect(await outbox.pending()).toEqual([]);
  });

  it("stops at a network failure and keeps the rest for later", async () => {
    const storage = fakeStorage();
    let down = true;
    const { sent, sender } = recordingSender(() => (down ? new ServerCallError("offline", "Cannot reach the server.") : undefined));
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
    const { sender } = recordingSender((id) => (id === "a" ? new ServerCallError("rejected", "Consent text version 9 is unknown.", 422) : undefined));
    const outbox = new Outbox(storage, sender);
    await outbox.add(consent("a", "2026-03-02T10:00:01Z"));
    await outbox.add(consent("b", "2026-03-02T10:00:02Z"));
    const result = await outbox.flush();
    expect(result.rejected).toEqual([{ entry: expect.objectContaining({ id: "a" }), message: "Consent text version 9 is unknown." }]);
    expect(result.sent.map((e) => e.id)).toEqual(["b"]);
    expect(await outbox.pending()).toEqual([]);
  });

  it("retries a 429 later instead of dropping it", async () => {
    const { sender } = recordingSender(() => new ServerCallError("rejected", "Slow down.", 429));
    const outbox = new Outbox(fakeStorage(), sender);
    await outbox.add(consent("a", "2026-03-02T10:00:01Z"));
    expect(await outbox.flush()).toMatchObject({ rejected: [], waiting: 1 });
  });
});
