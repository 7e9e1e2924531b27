import { buildApp } from "./app";
import type { Config } from "./config";
import { openDatabase, type Database } from "./db/client";
import type { Logger } from "./http/logger";
import { webhookJobHandler } from "./jobs/process-webhook";
import { JobQueue, type JobHandler } from "./jobs/queue";
import { complianceHandlers } from "./services/gdpr";

export interface Runtime {
  db: Database;
  queue: JobQueue;
  app: ReturnType<typeof buildApp>;
  close(): Promise<void>;
}

/** Opens the database, wires the queue and builds the app; the same for `main`, tests and benchmarks. */
export async function createRuntime(
  config: Config,
  opts: { log: Logger; clock?: () => Date; database?: Database; startWorkers?: boolean; queueLockSeconds?: number },
): Promise<Runtime> {
  const db = opts.database ?? (await openDatabase({ url: config.databaseUrl, dataDir: config.databaseUrl ? undefined : `${config.dataDir}/pglite` }));
  const clock = opts.clock ?? (() => new Date());
  const handlers: Record<string, JobHandler> = {
    webhook: webhookJobHandler(clock, complianceHandlers(clock)),
  };
  const queue = new JobQueue(db.db, { handlers, log: opts.log, lockSeconds: opts.queueLockSeconds ?? 30 });
  const app = buildApp({ db, config, queue, clock, log: opts.log });
  if (opts.startWorkers !== false) queue.start();
  return {
    db,
    queue,
    app,
    async close() {
      await queue.stop();
      await db.close();
    },
  };
}
