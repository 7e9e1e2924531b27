import { sql } from "drizzle-orm";
import type { Db, Tx } from "../db/client";
import { queryRows, type RawRow } from "../db/rows";
import type * as tables from "../db/schema";
import { sqlTextArray } from "../db/sql-arrays";

export interface Job {
  shop_id: string;
  id: string;
  kind: string;
  ref: string;
  attempts: number;
  max_attempts: number;
  /** Claim order: when the job became due, then when it was created. */
  seq: number;
}

export type JobHandler = (tx: Tx, job: Job) => Promise<void>;
/** Runs several jobs of one kind and one shop together, set-based; all or nothing. */
export type BatchJobHandler = (tx: Tx, jobs: Job[]) => Promise<void>;

export interface QueueOptions {
  /** The runtime's clock: it decides when a job is due, how long a claim holds and when a retry runs. */
  clock: () => Date;
  handlers: Record<string, JobHandler>;
  /** Kinds that can also run many jobs at once; when a batch fails, its jobs run one by one instead. */
  batchHandlers?: Record<string, BatchJobHandler>;
  /** How long a claimed job is hidden from other workers; a crashed worker's job reappears after it. */
  lockSeconds?: number;
  batchSize?: number;
  idleMs?: number;
  backoff?: (attempt: number) => number;
  log?: (event: Record<string, unknown>) => void;
}

/**
 * Jobs claimed per poll. A burst (a sale, a replay after an outage) is worked through in a few large
 * set-based batches, each round trip shared by hundreds of events; one batch holds its shop's lock for
 * a few hundred milliseconds at most.
 */
export const DEFAULT_BATCH_SIZE = 500;

/** Exponential backoff with a ceiling: 1 s, 2 s, 4 s … up to 10 min. */
export const defaultBackoff = (attempt: number) => Math.min(600_000, 1000 * 2 ** Math.max(0, attempt - 1));

/**
 * A Postgres-backed job queue that behaves the same on PostgreSQL and PGlite. A job's effect and its
 * removal commit in one transaction, so a job is done exactly once even if the process dies mid-way.
 */
export class JobQueue {
  private running = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly opts: QueueOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Tells an idle worker there is work now instead of at its next poll. */
  kick(): void {
    this.wake?.();
  }

  /** Works through every due job; returns how many ran. Tests call this to drain deterministically. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.runBatch();
      if (n === 0) return total;
      total += n;
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let n = 0;
      try {
        n = await this.runBatch();
      } catch (error) {
        this.opts.log?.({ level: "error", msg: "job queue poll failed", error: (error as Error).message });
      }
      if (n === 0 && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.opts.idleMs ?? 250);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
    }
  }

  private async runBatch(): Promise<number> {
    const lockedUntil = new Date(this.opts.clock().getTime() + (this.opts.lockSeconds ?? 30) * 1000);
    const now = this.opts.clock();
    const claimed = await queryRows<Job>(
      this.db,
      sql`UPDATE jobs SET locked_until = ${lockedUntil}, attempts = attempts + 1
          WHERE (shop_id, id) IN (
            SELECT shop_id, id FROM jobs
            WHERE run_at <= ${now} AND (locked_until IS NULL OR locked_until < ${now})
            ORDER BY run_at LIMIT ${this.opts.batchSize ?? DEFAULT_BATCH_SIZE}
            FOR UPDATE SKIP LOCKED)
          RETURNING shop_id, id, kind, ref, attempts, max_attempts, extract(epoch FROM run_at) * 1000 + extract(epoch
            FROM created_at) / 1e6 AS seq`,
    );
    const byShop = new Map<string, Job[]>();
    for (const job of claimed.sort((a, b) => a.seq - b.seq))
      byShop.set(job.shop_id, [...(byShop.get(job.shop_id) ?? []), job]);
    for (const jobs of byShop.values()) await this.runShopBatch(jobs);
    return claimed.length;
  }

  /** A shop's claimed jobs in claim order: runs of one kind that can be batched go together. */
  private async runShopBatch(jobs: Job[]): Promise<void> {
    const runs: Job[][] = [];
    for (const job of jobs) {
      const last = runs.at(-1);
      if (last && last[0]!.kind === job.kind) last.push(job);
      else runs.push([job]);
    }
    for (const run of runs) {
      const batch = this.opts.batchHandlers?.[run[0]!.kind];
      if (batch && run.length > 1 && (await this.runAsOne(batch, run))) continue;
      await this.runOneByOne(run);
    }
  }

  /** All jobs in one transaction; false (and nothing written) if it failed, so they can run one by one. */
  private async runAsOne(batch: BatchJobHandler, jobs: Job[]): Promise<boolean> {
    try {
      await this.db.transaction(async (tx) => {
        await batch(tx, jobs);
        await tx.execute(
          sql`DELETE FROM jobs WHERE shop_id = ${jobs[0]!.shop_id}
            AND id = ANY(${sqlTextArray(jobs.map((j) => j.id))})`,
        );
      });
      return true;
    } catch (error) {
      this.opts.log?.({
        level: "warn",
        msg: "job batch failed; running its jobs one by one",
        shop: jobs[0]!.shop_id,
        jobs: jobs.length,
        error: (error as Error).message,
      });
      return false;
    }
  }

  /**
   * One transaction for the run, one savepoint per job: a commit (and its fsync) is shared by many jobs,
   * and a job that throws rolls back alone and is retried later.
   */
  private async runOneByOne(jobs: Job[]): Promise<void> {
    const failures = new Map<Job, Error>();
    try {
      await this.db.transaction(async (tx) => {
        for (const job of jobs) {
          const handler = this.opts.handlers[job.kind];
          try {
            if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
            await tx.transaction(async (savepoint) => {
              await handler(savepoint as unknown as Tx, job);
              await savepoint.execute(sql`DELETE FROM jobs WHERE shop_id = ${job.shop_id} AND id = ${job.id}`);
            });
          } catch (error) {
            failures.set(job, error as Error);
          }
        }
      });
    } catch (error) {
      // The batch did not commit (connection lost, serialisation failure): every job in it is retried.
      for (const job of jobs) if (!failures.has(job)) failures.set(job, error as Error);
    }
    for (const [job, error] of failures) await this.fail(job, error);
  }

  private async fail(job: Job, error: Error): Promise<void> {
    const message = describeFailure(error).slice(0, 2000);
    const now = this.opts.clock();
    this.opts.log?.({
      level: "warn",
      msg: "job failed",
      shop: job.shop_id,
      kind: job.kind,
      ref: job.ref,
      attempt: job.attempts,
      error: message,
    });
    if (job.attempts >= job.max_attempts) {
      await this.db.transaction(async (tx) => {
        await tx.execute(sql`DELETE FROM jobs WHERE shop_id = ${job.shop_id} AND id = ${job.id}`);
        await tx.execute(sql`INSERT INTO dead_letters (shop_id, id, kind, ref, attempts, last_error, failed_at)
          VALUES (${job.shop_id}, ${job.id}, ${job.kind}, ${job.ref}, ${job.attempts}, ${message}, ${now})
          ON CONFLICT (shop_id, id) DO UPDATE SET attempts = excluded.attempts, last_error = excluded.last_error,
            failed_at = excluded.failed_at, retried_at = NULL`);
        if (job.kind === "webhook") {
          await tx.execute(
            sql`UPDATE webhook_deliveries SET status = 'dead' WHERE shop_id = ${job.shop_id}
              AND delivery_id = ${job.ref}`,
          );
        }
      });
      return;
    }
    // A job that knows when to come back (Shopify's cost throttle) says so; others back off exponentially.
    const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
    const delayMs =
      typeof retryAfterMs === "number" ? retryAfterMs : (this.opts.backoff ?? defaultBackoff)(job.attempts);
    const runAt = new Date(now.getTime() + delayMs);
    await this.db.execute(sql`UPDATE jobs SET run_at = ${runAt}, locked_until = NULL,
      last_error = ${message} WHERE shop_id = ${job.shop_id} AND id = ${job.id}`);
  }
}

/**
 * Puts a job on the queue unless the same (kind, ref) is already waiting; it is due at `runAt` (the runtime's clock).
 */
export async function enqueueJob(
  q: Db | Tx,
  job: { shopId: string; kind: string; ref: string; runAt: Date; maxAttempts?: number },
) {
  await q.execute(sql`INSERT INTO jobs (shop_id, id, kind, ref, run_at, max_attempts)
    VALUES (${job.shopId}, ${crypto.randomUUID()}, ${job.kind}, ${job.ref}, ${job.runAt}, ${job.maxAttempts ?? 8})
    ON CONFLICT (shop_id, kind, ref) DO NOTHING`);
}

/** Re-runs a dead letter: back on the queue with a fresh attempt budget. */
export async function retryDeadLetter(db: Db, shopId: string, id: string, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [dead] = await queryRows<RawRow<typeof tables.deadLetters, "kind" | "ref">>(
      tx,
      sql`UPDATE dead_letters SET retried_at = ${now} WHERE shop_id = ${shopId} AND id = ${id} AND retried_at IS NULL
        RETURNING kind, ref`,
    );
    if (!dead) return false;
    await enqueueJob(tx, { shopId, kind: dead.kind, ref: dead.ref, runAt: now });
    if (dead.kind === "webhook") {
      await tx.execute(
        sql`UPDATE webhook_deliveries SET status = 'queued' WHERE shop_id = ${shopId} AND delivery_id = ${dead.ref}`,
      );
    }
    return true;
  });
}

/** A readable reason for the dead-letter list: zod issues as "path: message", driver errors with their cause. */
function describeFailure(error: Error): string {
  const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
  if (Array.isArray(issues))
    return `invalid payload: ${issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`;
  const cause = (error as { cause?: Error }).cause;
  return cause?.message ? `${cause.message} (${error.message.split("\n")[0]})` : error.message;
}
