/**
 * The register's outbox: consent captures and POS visits wait here until the server has them.
 *
 * POS Storage keeps at most 100 records per extension (about 1 MB each), so the whole queue is ONE
 * record (`c360:outbox`), not one record per action: 500 actions queued on a dead connection take one
 * record, and the profile cache and the rest still fit. The queue is compacted on every write (an ID
 * is kept once; what the server took is removed). An action is written before the screen says
 * "saved"; when the record would outgrow its size budget, `add` throws `OutboxFullError` so the clerk
 * is told: nothing is ever dropped silently.
 *
 * The server is idempotent by each action's client-generated ID, so a send repeated after a crash
 * changes nothing; one flush at a time per JS context keeps the register from sending twice.
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

/** Below POS Storage's ~1 MB per value, with room to spare: about 2,000 typical actions. */
export const OUTBOX_BUDGET_CHARS = 800_000;
/** While sending, what the server took is removed from storage every this many sends (and at the end). */
const SAVE_EVERY = 25;

export class OutboxFullError extends Error {
  constructor(readonly waiting: number) {
    super(
      `This register is holding ${waiting} actions that have not reached the server; ` +
        "connect to the internet to send them.",
    );
    this.name = "OutboxFullError";
  }
}

interface StoredQueue {
  entries: OutboxEntry[];
}

// One writer at a time per JS context: every read-modify-write of the queue record goes through here.
let queueLock: Promise<unknown> = Promise.resolve();
function exclusive<T>(work: () => Promise<T>): Promise<T> {
  const run = queueLock.then(work, work);
  queueLock = run.catch(() => undefined);
  return run;
}

let flushInProgress: Promise<FlushResult> | null = null;

/** Oldest first, each ID once. */
export function compactQueue(entries: readonly OutboxEntry[]): OutboxEntry[] {
  const byId = new Map<string, OutboxEntry>();
  for (const entry of entries) if (!byId.has(entry.id)) byId.set(entry.id, entry);
  return [...byId.values()].sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
}

export class Outbox {
  private readonly listeners = new Set<(change: OutboxChange) => void>();

  constructor(
    private readonly store: KeyValueStore,
    private readonly sender: OutboxSender,
  ) {}

  add(entry: OutboxEntry): Promise<void> {
    return exclusive(async () => {
      const entries = compactQueue([...(await this.read()), entry]);
      const serialized = JSON.stringify({ entries } satisfies StoredQueue);
      if (serialized.length > OUTBOX_BUDGET_CHARS) throw new OutboxFullError(entries.length - 1);
      await this.store.set(STORAGE_KEYS.outbox, { entries } satisfies StoredQueue);
      this.notify("added");
    });
  }

  async pending(): Promise<OutboxEntry[]> {
    return compactQueue(await this.read());
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

  /** The queue record, plus any one-record-per-action entries an older version of the extension left. */
  private async read(): Promise<OutboxEntry[]> {
    const stored = (await this.store.get(STORAGE_KEYS.outbox)) as StoredQueue | undefined;
    const entries = stored?.entries ?? [];
    const legacy = (await this.store.entries()).filter(([key]) => key.startsWith(STORAGE_KEYS.legacyOutboxPrefix));
    if (legacy.length === 0) return entries;
    const merged = compactQueue([...entries, ...legacy.map(([, value]) => value as OutboxEntry)]);
    await this.store.set(STORAGE_KEYS.outbox, { entries: merged } satisfies StoredQueue);
    for (const [key] of legacy) await this.store.delete(key);
    return merged;
  }

  /** Removes the given IDs from the stored queue; what was added meanwhile stays. */
  private forget(ids: ReadonlySet<string>): Promise<void> {
    if (ids.size === 0) return Promise.resolve();
    return exclusive(async () => {
      const entries = (await this.read()).filter((e) => !ids.has(e.id));
      if (entries.length === 0) await this.store.delete(STORAGE_KEYS.outbox);
      else await this.store.set(STORAGE_KEYS.outbox, { entries } satisfies StoredQueue);
    });
  }

  private async sendAll(): Promise<FlushResult> {
    const result: FlushResult = { sent: [], rejected: [], waiting: 0 };
    const entries = await this.pending();
    let done = new Set<string>();
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
      done.add(entry.id);
      if (done.size >= SAVE_EVERY) {
        await this.forget(done);
        done = new Set();
      }
    }
    await this.forget(done);
    if (result.sent.length || result.rejected.length) this.notify("synced");
    return result;
  }

  private notify(change: OutboxChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
