import { buildApp } from "./app";
import type { Config } from "./config";
import { openDatabase, type Database } from "./db/client";
import type { Logger } from "./http/logger";
import { webhookBatchHandler, webhookJobHandler } from "./jobs/process-webhook";
import { JobQueue, type JobHandler } from "./jobs/queue";
import { RECOMPUTE_SHOP, recomputeShopJobHandler, scheduleNightlyRecompute } from "./jobs/recompute-shop";
import { complianceHandlers } from "./services/gdpr/gdpr";
import { ShopifyAdmin } from "./shopify/admin";
import { shopifyJobHandlers } from "./shopify/jobs";
import { startBackfill } from "./shopify/backfill";
import { enqueueShopifyJobs, SHOPIFY_JOBS } from "./shopify/enqueue";

export interface Runtime {
  db: Database;
  queue: JobQueue;
  /** Admin API access when the config talks to Shopify. */
  shopify?: ShopifyAdmin;
  app: ReturnType<typeof buildApp>;
  /**
   * Schedules the nightly whole-shop recompute of every shop (idempotent per
   * shop and date); runs on a timer with the workers.
   */
  scheduleNightly(): Promise<number>;
  close(): Promise<void>;
}

/** Opens the database, wires the queue and builds the app; the same for `main`, tests and benchmarks. */
export async function createRuntime(
  config: Config,
  opts: {
    log: Logger;
    clock?: () => Date;
    database?: Database;
    startWorkers?: boolean;
    queueLockSeconds?: number;
    queueBatchSize?: number;
  },
): Promise<Runtime> {
  const db =
    opts.database ??
    (await openDatabase({
      url: config.databaseUrl,
      dataDir: config.databaseUrl ? undefined : `${config.dataDir}/pglite`,
    }));
  const clock = opts.clock ?? (() => new Date());
  const shopify = config.shopify
    ? new ShopifyAdmin(
        db,
        { apiKey: config.apiKey, apiSecret: config.apiSecret, shopify: config.shopify },
        opts.log,
        clock,
      )
    : undefined;
  const handlers: Record<string, JobHandler> = {
    webhook: webhookJobHandler(clock, complianceHandlers(clock)),
    [RECOMPUTE_SHOP]: recomputeShopJobHandler(clock),
    ...(shopify ? shopifyJobHandlers(shopify, clock, config.publicUrl) : {}),
  };
  // A shop's first connection brings in its history (customers, then orders) by bulk operations, and
  // turns the storefront pixel on with this server's URL (the ref names the URL: a moved server re-points it).
  if (shopify)
    shopify.onFirstConnect = async (shopId) => {
      await startBackfill(db.db, shopId, clock());
      await enqueueShopifyJobs(db.db, shopId, SHOPIFY_JOBS.webPixel, [`pixel:${config.publicUrl}`], clock());
      queue.kick();
    };
  const batchHandlers = { webhook: webhookBatchHandler(clock, complianceHandlers(clock)) };
  const queue = new JobQueue(db.db, {
    clock,
    handlers,
    batchHandlers,
    log: opts.log,
    lockSeconds: opts.queueLockSeconds ?? config.queueLockSeconds ?? 30,
    batchSize: opts.queueBatchSize,
  });
  const app = buildApp({ db, config, queue, clock, log: opts.log, ...(shopify ? { shopify } : {}) });
  const scheduleNightly = () => scheduleNightlyRecompute(db.db, clock());
  let scheduler: ReturnType<typeof setInterval> | null = null;
  if (opts.startWorkers !== false) {
    queue.start();
    // The timer only puts jobs on the shared queue; the work itself runs on whichever instance claims it.
    const tick = () =>
      void scheduleNightly().catch((error: Error) =>
        opts.log({ level: "error", msg: "nightly scheduling failed", error: error.message }),
      );
    tick();
    scheduler = setInterval(tick, 15 * 60_000);
    scheduler.unref?.();
  }
  return {
    db,
    queue,
    ...(shopify ? { shopify } : {}),
    app,
    scheduleNightly,
    async close() {
      if (scheduler) clearInterval(scheduler);
      await queue.stop();
      await db.close();
    },
  };
}
