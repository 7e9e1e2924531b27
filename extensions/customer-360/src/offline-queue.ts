/**
 * The register's outbox: consent captures and POS visits wait here until the server has them.
 * Each entry is its own storage record (keyed by its client-generated ID), written before the
 * screen says "saved", and removed only after the server answered. The server is idempotent by
 * that ID, so a send repeated after a crash changes nothing; one flush at a time per JS context
 * keeps the register from sending the same entry twice in the first place.
 */
import type { ConsentCaptureBody, PosVisitBody } from "./api";
import { ServerCallError } from "./api";
import { STORAGE_KEYS, type KeyValueStore } from "./storage";

export type OutboxEntry =
  | { kind: "consent"; id: string; queuedAt: string; body: ConsentCaptureBody }
  | { kind: "visit"; id: string; queuedAt: string; body: PosVisitBody };

/** `added`: something now waits; `synced`: the server took (or refused) something. */
export type OutboxChange = "added" | "synced";

export interface OutboxSender {
  consent(body: ConsentCaptureBody): Promise<void>;
  visit(body: PosVisitBody): Promise<void>;
}

export interface FlushResult {
  sent: OutboxEntry[];
  rejected: { entry: OutboxEntry; message: string }[];
  /** Still waiting: the network failed part-way, so the rest stays for the next flush. */
  waiting: number;
}

let flushInProgress: Promise<FlushResult> | null = null;

export class Outbox {
  private readonly listeners = new Set<(change: OutboxChange) => void>();

  constructor(
    private readonly store: KeyValueStore,
    private readonly sender: OutboxSender,
  ) {}

  async add(entry: OutboxEntry): Promise<void> {
    await this.store.set(STORAGE_KEYS.outboxPrefix + entry.id, entry);
    this.notify("added");
  }

  async pending(): Promise<OutboxEntry[]> {
    const rows = await this.store.entries();
    return rows
      .filter(([key]) => key.startsWith(STORAGE_KEYS.outboxPrefix))
      .map(([, value]) => value as OutboxEntry)
      .sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
  }

  /** Sends what is waiting, oldest first. A flush asked for while one runs waits for it, then runs again. */
  flush(): Promise<FlushResult> {
    const previous = flushInProgress;
    const run = (async () => {
      if (previous) await previous.catch(() => undefined);
      return this.sendAll();
    })();
    flushInProgress = run;
    void run.finally(() => {
      if (flushInProgress === run) flushInProgress = null;
    });
    return run;
  }

  subscribe(listener: (change: OutboxChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async sendAll(): Promise<FlushResult> {
    const result: FlushResult = { sent: [], rejected: [], waiting: 0 };
    const entries = await this.pending();
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      try {
        if (entry.kind === "consent") await this.sender.consent(entry.body);
        else await this.sender.visit(entry.body);
        result.sent.push(entry);
      } catch (error) {
        if (error instanceof ServerCallError && !error.retryable) {
          result.rejected.push({ entry, message: error.message });
        } else {
          result.waiting = entries.length - i;
          break;
        }
      }
      await this.store.delete(STORAGE_KEYS.outboxPrefix + entry.id);
    }
    if (result.sent.length || result.rejected.length) this.notify("synced");
    return result;
  }

  private notify(change: OutboxChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
