import type postgres from "postgres";

/**
 * Watches what else PostgreSQL does while a measurement runs: autovacuum workers on this database (polled
 * every 250 ms) and checkpoints (server-wide, so other databases' work counts too).
 */
export async function watchBackgroundWork(raw: postgres.Sql) {
  const checkpoints = async () => {
    const [r] = await raw<{ n: string }[]>`SELECT checkpoints_timed + checkpoints_req AS n FROM pg_stat_bgwriter`;
    return Number(r!.n);
  };
  const before = await checkpoints();
  const vacuums = new Set<string>();
  let stopped = false;
  const poll = (async () => {
    while (!stopped) {
      const rows = await raw<{ query: string }[]>`
        SELECT query FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'autovacuum worker'`;
      for (const r of rows) vacuums.add(r.query.replace(/^autovacuum:\s*/, "").replace(/public\./, ""));
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await poll;
      const after = await checkpoints();
      return { autovacuum: [...vacuums], checkpoints: after - before };
    },
  };
}
