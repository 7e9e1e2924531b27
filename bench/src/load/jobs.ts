/** What the bench asks its load process to run, and what it answers. Plain data: it crosses a process boundary. */

export interface HttpRequest {
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export type LoadJob =
  /**
   * Closed loop (autocannon): `connections` keep one request each in flight;
   * `amount` requests in all, taken from `requests` in order (cycling).
   */
  | { kind: "http"; url: string; connections: number; amount: number; requests: HttpRequest[] }
  /**
   * Open loop: request i is due at start + i / perSecond whether or not earlier ones have answered, and its
   * latency counts from when it was due, so a stall anywhere shows in the percentiles instead of hiding.
   */
  | { kind: "http-rate"; url: string; perSecond: number; amount: number; requests: HttpRequest[] }
  /**
   * Closed loop on the database driver itself: `concurrency` callers run
   * `statement` with params[i % n], `amount` times in all.
   */
  | {
      kind: "sql";
      databaseUrl: string;
      concurrency: number;
      amount: number;
      statement: string;
      params: (string | number)[][];
    };

export interface LoadResult {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** p99 of the load process's own event-loop delay (ms): how late the generator itself was. */
  generatorLagP99: number;
  /** CPU the load process itself used during the job (ms). */
  loadCpuMs: number;
  /** For `sql` jobs: CPU of the database backends serving them (ms), when PostgreSQL runs on this machine. */
  postgresCpuMs?: number;
  /** Answers other than 2xx, or failed requests; the first one is described in `firstFailure`. */
  failures: number;
  firstFailure?: string;
}
