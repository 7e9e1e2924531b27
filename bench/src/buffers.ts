import type postgres from "postgres";

export interface PlanBuffers {
  statements: number;
  /** Shared-buffer blocks found in PostgreSQL's cache, per statement. */
  hitPerStatement: number;
  /** Blocks PostgreSQL had to ask the OS for (its page cache or the disk), per statement. */
  readPerStatement: number;
  hitRatio: number;
}

/**
 * Runs each statement under EXPLAIN (ANALYZE, BUFFERS) and sums the blocks it touched, so a run can say
 * whether its lookups found their pages in shared buffers. (pg_statio counters are published by each
 * backend on its own schedule, too late to diff around a few seconds of load.)
 */
export async function planBuffers(
  raw: postgres.Sql,
  statements: { sql: string; params: unknown[] }[],
): Promise<PlanBuffers> {
  let hit = 0;
  let read = 0;
  for (const s of statements) {
    const [row] = await raw.unsafe(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${s.sql}`, s.params as string[]);
    const plan = (
      Object.values(row!)[0] as { Plan: { "Shared Hit Blocks": number; "Shared Read Blocks": number } }[]
    )[0]!.Plan;
    hit += plan["Shared Hit Blocks"];
    read += plan["Shared Read Blocks"];
  }
  const n = Math.max(1, statements.length);
  return {
    statements: statements.length,
    hitPerStatement: hit / n,
    readPerStatement: read / n,
    hitRatio: hit + read === 0 ? 1 : hit / (hit + read),
  };
}
