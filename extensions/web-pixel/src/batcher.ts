import { PIXEL_BATCH_MAX } from "@c360/shared/wire/pixel-events";
import type { OutgoingEvent } from "./events";

/** The server takes at most this many events a batch; the zod-free module keeps zod out of the bundle. */
export const MAX_BATCH = PIXEL_BATCH_MAX;
/** Events wait this long for company before going out: a page's few events travel together. */
export const FLUSH_DELAY_MS = 1_000;
/** Past this many unsent events (server down), the oldest are dropped: a pixel must never grow without bound. */
export const MAX_PENDING = 100;
/** A failed batch is tried this many times in all, then dropped. */
export const MAX_ATTEMPTS = 3;

export interface BatcherOptions {
  /** Sends one batch; resolves false (or rejects) when it did not arrive. */
  send(events: OutgoingEvent[]): Promise<boolean>;
  setTimer(run: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/**
 * Collects events and sends them in small batches: at most {@link MAX_BATCH} a call, after a short wait,
 * at once when the batch is full or when an event names the buyer (checkout, sign-in), since the page
 * may be left right after. A batch that fails goes back to the front of the queue and is retried.
 */
export class Batcher {
  private pending: { event: OutgoingEvent; attempts: number }[] = [];
  private timer: unknown = null;
  private sending = false;
  /** Events dropped (queue full or retries used up): visible to tests, never sent anywhere. */
  dropped = 0;

  constructor(private readonly options: BatcherOptions) {}

  add(event: OutgoingEvent): void {
    this.pending.push({ event, attempts: 0 });
    if (this.pending.length > MAX_PENDING) {
      const excess = this.pending.length - MAX_PENDING;
      this.pending.splice(0, excess);
      this.dropped += excess;
    }
    const namesBuyer = Boolean(event.email || event.phone || event.shopifyCustomerId);
    if (namesBuyer || this.pending.length >= MAX_BATCH) void this.flush();
    else this.schedule();
  }

  get size(): number {
    return this.pending.length;
  }

  private schedule(): void {
    if (this.timer !== null) return;
    this.timer = this.options.setTimer(() => {
      this.timer = null;
      void this.flush();
    }, FLUSH_DELAY_MS);
  }

  /** Sends what is pending, one batch after another; one flush at a time keeps the events in order. */
  async flush(): Promise<void> {
    if (this.timer !== null) {
      this.options.clearTimer(this.timer);
      this.timer = null;
    }
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, MAX_BATCH);
        let ok = false;
        try {
          ok = await this.options.send(batch.map((b) => b.event));
        } catch {
          ok = false;
        }
        if (ok) continue;
        const retry = batch.filter((b) => ++b.attempts < MAX_ATTEMPTS);
        this.dropped += batch.length - retry.length;
        this.pending.unshift(...retry);
        // Try again later rather than in a tight loop while the server is unreachable.
        if (this.pending.length > 0) this.schedule();
        return;
      }
    } finally {
      this.sending = false;
    }
  }
}

/** A browser session: one id per tab until 30 minutes pass without an event (the analytics convention). */
export const SESSION_IDLE_MS = 30 * 60_000;

export function sessionFor(
  stored: { id: string; lastAt: number } | null,
  nowMs: number,
  newId: () => string,
): { id: string; lastAt: number } {
  if (stored && nowMs - stored.lastAt < SESSION_IDLE_MS && nowMs >= stored.lastAt)
    return { id: stored.id, lastAt: nowMs };
  return { id: newId(), lastAt: nowMs };
}
