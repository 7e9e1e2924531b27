import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { CustomerEvent } from "./backfill-state";
import type { IdentifierRules } from "./customer-event";
import { CustomerExportError } from "./customer-export";

/** Lines sent to a worker at once: large enough that messaging costs little, small enough to share out evenly. */
const BATCH_LINES = 5_000;
const NOT_BLANK = /\S/;

export interface ExportBatch {
  id: number;
  /** The export's line number of `lines[0]` (blank lines included, so errors name the file's line). */
  firstLine: number;
  lines: string[];
  rules: IdentifierRules;
  /** The backfill clock's time, for a record with neither updated_at nor created_at. */
  now: number;
}

export type ExportBatchResult =
  | { id: number; events: CustomerEvent[] }
  | { id: number; refused: { where: string; reason: string } }
  | { id: number; failed: string };

interface Pending {
  resolve: (events: CustomerEvent[]) => void;
  reject: (error: Error) => void;
}

/**
 * The worker entry: built JavaScript loads as it is; TypeScript source (tsx in dev and `npm start`, vitest
 * in tests) is loaded through tsx's API, because a worker thread does not inherit vitest's transform.
 */
function startWorker(): Worker {
  const source = import.meta.url.endsWith(".ts");
  const entry = new URL(`./export-worker.${source ? "ts" : "js"}`, import.meta.url).href;
  if (!source) return new Worker(new URL(entry));
  // tsx's ESM API by path: `require.resolve` would name its CommonJS build, which cannot load the ESM hooks.
  const tsxPackage = pathToFileURL(createRequire(import.meta.url).resolve("tsx/package.json"));
  const tsx = new URL("dist/esm/api/index.mjs", tsxPackage).href;
  return new Worker(
    `import(${JSON.stringify(tsx)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`,
    {
      eval: true,
    },
  );
}

/**
 * An export's lines read by a few worker threads into identity events (JSON, the record's checks, the
 * shop's identifier rules): about half of a backfill's CPU, off the thread that feeds PostgreSQL. Close
 * it when done.
 */
export class CustomerExportReaders {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly lines: Iterator<string> | AsyncIterator<string>;
  /** Lines read so far, blank ones included. */
  private lineNumber = 0;
  private nextId = 0;
  private broken: Error | null = null;

  constructor(lines: Iterable<string> | AsyncIterable<string>, count: number) {
    this.lines = Symbol.asyncIterator in lines ? lines[Symbol.asyncIterator]() : lines[Symbol.iterator]();
    for (let n = 0; n < count; n++) {
      const worker = startWorker();
      worker.on("message", (result: ExportBatchResult) => this.settle(result));
      worker.on("error", (error) => this.fail(error));
      worker.on("exit", (code) => {
        if (code !== 0) this.fail(new Error(`a customer export reader stopped (exit code ${code})`));
      });
      this.workers.push(worker);
    }
  }

  /**
   * The next up to `size` customers of the export as identity events, in order (blank lines skipped);
   * none at the end. Throws CustomerExportError naming the first bad line.
   */
  async readChunk(
    size: number,
    rules: IdentifierRules,
    now: Date,
  ): Promise<{ customers: number; events: CustomerEvent[] }> {
    const batches: Promise<CustomerEvent[]>[] = [];
    let batch: string[] = [];
    let firstLine = this.lineNumber + 1;
    let customers = 0;
    const send = () => {
      const read = this.read({ id: this.nextId++, firstLine, lines: batch, rules, now: now.getTime() });
      read.catch(() => {}); // awaited in order below: the first bad line is the one reported
      batches.push(read);
      batch = [];
      firstLine = this.lineNumber + 1;
    };
    while (customers < size) {
      const step = await this.lines.next();
      if (step.done) break;
      this.lineNumber++;
      batch.push(step.value);
      if (NOT_BLANK.test(step.value)) customers++;
      if (batch.length >= BATCH_LINES) send();
    }
    if (batch.length > 0) send();
    const events: CustomerEvent[] = [];
    for (const read of batches) for (const event of await read) events.push(event);
    return { customers, events };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private read(batch: ExportBatch): Promise<CustomerEvent[]> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.pending.set(batch.id, { resolve, reject });
      this.workers[batch.id % this.workers.length]!.postMessage(batch);
    });
  }

  private settle(result: ExportBatchResult): void {
    const pending = this.pending.get(result.id);
    if (!pending) return;
    this.pending.delete(result.id);
    if ("events" in result) pending.resolve(result.events);
    else if ("refused" in result) pending.reject(new CustomerExportError(result.refused.where, result.refused.reason));
    else pending.reject(new Error(`a customer export reader failed: ${result.failed}`));
  }

  private fail(error: Error): void {
    this.broken ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
