/**
 * Group commit: callers hand in one item each and wait for its own outcome; the items are written together
 * by one `flush` (one round trip, one commit) instead of one statement each. A flush starts as soon as the
 * event loop has taken in what already arrived (setImmediate), so a lone item waits no timer; while flushes
 * are in flight new items gather for the next one, so batches grow with load by themselves. An item is only
 * answered after the flush that carried it has finished, so nothing is acknowledged before it is committed.
 */
export interface GroupCommitOptions<I> {
  /** Most items in one flush. */
  maxItems: number;
  /** Most size (as `sizeOf` counts it) in one flush; a single larger item still goes, alone. */
  maxBytes?: number;
  sizeOf?: (item: I) => number;
  /** Flushes running at once (each holds a database connection while it runs). */
  maxInFlight: number;
}

/** What a flush answers for each item, in order: its outcome, or the error that item alone failed with. */
export type FlushResult<O> = { ok: true; value: O } | { ok: false; error: unknown };

interface Waiting<I, O> {
  item: I;
  resolve: (outcome: O) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<I, O> {
  private pending: Waiting<I, O>[] = [];
  private pendingBytes = 0;
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly flush: (items: I[]) => Promise<FlushResult<O>[]>,
    private readonly opts: GroupCommitOptions<I>,
  ) {}

  /** Resolves with the item's outcome once its flush has committed; rejects when its flush failed. */
  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.pendingBytes += this.opts.sizeOf?.(item) ?? 0;
      if (this.isFull()) this.startFlushes();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.startFlushes();
        });
      }
    });
  }

  private isFull(): boolean {
    return (
      this.pending.length >= this.opts.maxItems ||
      (this.opts.maxBytes !== undefined && this.pendingBytes >= this.opts.maxBytes)
    );
  }

  private startFlushes(): void {
    while (this.pending.length > 0 && this.inFlight < this.opts.maxInFlight) void this.flushNext();
  }

  private async flushNext(): Promise<void> {
    const batch = this.takeBatch();
    this.inFlight++;
    try {
      const results = await this.flush(batch.map((w) => w.item));
      batch.forEach((w, i) => {
        const result = results[i];
        if (result === undefined) w.reject(new Error("group commit: the flush answered fewer outcomes than items"));
        else if (result.ok) w.resolve(result.value);
        else w.reject(result.error);
      });
    } catch (error) {
      // The whole flush failed (e.g. the database went away): no item in it was committed.
      for (const w of batch) w.reject(error);
    } finally {
      this.inFlight--;
      // What gathered while this flush ran goes now: it has already waited one flush.
      this.startFlushes();
    }
  }

  private takeBatch(): Waiting<I, O>[] {
    let bytes = 0;
    let n = 0;
    while (n < this.pending.length && n < this.opts.maxItems) {
      const size = this.opts.sizeOf?.(this.pending[n]!.item) ?? 0;
      if (n > 0 && this.opts.maxBytes !== undefined && bytes + size > this.opts.maxBytes) break;
      bytes += size;
      n++;
    }
    this.pendingBytes -= bytes;
    return this.pending.splice(0, n);
  }
}
