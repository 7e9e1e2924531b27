import { sql } from "drizzle-orm";
import type { Queryable } from "./client";
import { queryRows } from "./rows";

/**
 * Runs statements that join whole sets (a shop's profiles with its messages, its change feed) with the
 * planner kept to hash joins, enough memory to hash and sort in RAM, no parallel workers and no JIT, then
 * restores the transaction's own settings. A nested loop, which the planner picks for tables without
 * fresh statistics (PGlite never has any), would rescan one side per row of the other: quadratic at a
 * million profiles. Parallel workers would each build their own copy of a hashed aggregate, and JIT
 * compilation of these simple expressions costs more than it saves (0.4 s of a 0.6 s audience at 100k).
 */
export async function withWholeSetPlanning<T>(q: Queryable, fn: () => Promise<T>): Promise<T> {
  const [before] = await queryRows<{ work_mem: string; enable_nestloop: string; workers: string; jit: string }>(
    q,
    sql`SELECT current_setting('work_mem') AS work_mem, current_setting('enable_nestloop') AS enable_nestloop,
               current_setting('max_parallel_workers_per_gather') AS workers, current_setting('jit') AS jit,
               set_config('work_mem', '64MB', true), set_config('enable_nestloop', 'off', true),
               set_config('max_parallel_workers_per_gather', '0', true), set_config('jit', 'off', true)`,
  );
  const result = await fn();
  // Not in a finally: after a failed statement the transaction only accepts a rollback.
  await q.execute(sql`SELECT set_config('work_mem', ${before!.work_mem}, true), set_config('enable_nestloop',
    ${before!.enable_nestloop}, true),
                             set_config('max_parallel_workers_per_gather', ${before!.workers}, true), set_config('jit',
                               ${before!.jit}, true)`);
  return result;
}
