import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import type { Config } from "@c360/server/config";
import type { Database } from "@c360/server/db/client";
import { silentLogger } from "@c360/server/http/logger";
import { createRuntime, type Runtime } from "@c360/server/runtime";

export const BENCH_SECRET = "bench-secret";

/**
 * The server's runtime as every bench script runs it: on the given fresh database, no workers (the
 * script drains the queue when it measures that), silent, and with the per-shop guard against runaway
 * clients lifted, since a bench measures capacity.
 */
export async function benchRuntime(
  database: Database,
  databaseUrl: string,
  opts: { queueBatchSize?: number } = {},
): Promise<Runtime> {
  const config: Config = {
    port: 0,
    databaseUrl,
    apiKey: undefined,
    apiSecret: BENCH_SECRET,
    dataDir: "",
    publicUrl: "",
    devSecret: false,
    rateLimits: { perShop: 1e9, perDevice: 1e9, windowMs: 10_000 },
  };
  return createRuntime(config, { log: silentLogger, database, startWorkers: false, ...opts });
}

/** The runtime served over HTTP on a free local port, for scripts that measure through real sockets. */
export async function serveBenchRuntime(runtime: Runtime): Promise<{ server: Server; base: string }> {
  const server = serve({ fetch: runtime.app.fetch, port: 0 }) as Server;
  await new Promise((r) => server.once("listening", r));
  return { server, base: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}
