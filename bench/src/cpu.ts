import { readFileSync } from "node:fs";
import type postgres from "postgres";

const TICK_MS = 10; // Linux USER_HZ is 100 on every platform this runs on

/** CPU time (user + system, ms) a process has used so far, from /proc; 0 where that cannot be read. */
export function processCpuMs(pid: number): number {
  try {
    // The command name (field 2) may hold spaces, so count fields from after its closing parenthesis.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** The PostgreSQL server processes serving a database's connections (PostgreSQL on this machine). */
export async function backendPids(sql: postgres.Sql): Promise<number[]> {
  const rows = await sql<
    { pid: number }[]
  >`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`;
  return rows.map((r) => r.pid);
}

/**
 * CPU used while `fn` runs: by this Node process and by the database's backends (those open before or
 * after; one that opened and closed in between is missed). Robust to other work on the machine in a way
 * that wall-clock rates are not.
 */
export async function cpuDuring<T>(
  sql: postgres.Sql,
  fn: () => Promise<T>,
): Promise<{ value: T; nodeMs: number; postgresMs: number }> {
  const before = new Map((await backendPids(sql)).map((pid) => [pid, processCpuMs(pid)]));
  const node = process.cpuUsage();
  const value = await fn();
  const used = process.cpuUsage(node);
  let postgresMs = 0;
  for (const pid of new Set([...before.keys(), ...(await backendPids(sql))]))
    postgresMs += Math.max(0, processCpuMs(pid) - (before.get(pid) ?? 0));
  return { value, nodeMs: (used.user + used.system) / 1000, postgresMs };
}
