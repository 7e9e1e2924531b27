/**
 * The load process: started by `LoadProcess` (./process.ts) with `fork`, it runs one job at a time from
 * its parent and answers with the figures. Keeping the load here means the server's event loop, heap and
 * GC pauses are its own: only the two cores are shared.
 */
import http from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import autocannon from "autocannon";
import postgres from "postgres";
import { cpuDuring } from "../cpu";
import type { HttpRequest, LoadJob, LoadResult } from "./jobs";

function summary(
  latencies: number[],
  ms: number,
  lag: ReturnType<typeof monitorEventLoopDelay>,
  cpu: NodeJS.CpuUsage,
  failures: number,
  firstFailure?: string,
): LoadResult {
  latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    latencies[Math.max(0, Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1))] ?? NaN;
  return {
    requests: latencies.length + failures,
    perSecond: ((latencies.length + failures) / ms) * 1000,
    p50: at(50),
    p99: at(99),
    max: latencies[latencies.length - 1] ?? NaN,
    generatorLagP99: lag.percentile(99) / 1e6,
    loadCpuMs: (cpu.user + cpu.system) / 1000,
    failures,
    ...(firstFailure ? { firstFailure } : {}),
  };
}

async function closedLoopHttp(job: Extract<LoadJob, { kind: "http" }>): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  let next = 0;
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  const cpu = process.cpuUsage();
  const start = performance.now();
  // autocannon reports completion on its one-second tick, so a run of 3,000 requests that takes 1.1 s would
  // count as 2 s; the run ends when its last response arrives.
  let lastResponseAt = start;
  let finished!: (r: autocannon.Result) => void;
  let failed!: (e: Error) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => ((finished = resolve), (failed = reject)));
  const instance = autocannon(
    {
      url: job.url,
      connections: job.connections,
      amount: job.amount,
      timeout: 30,
      // Each call hands the next request of the list to whichever connection is free.
      requests: [
        {
          setupRequest: (req) => ({ ...req, ...job.requests[next++ % job.requests.length]! }),
          onResponse: (status, body) => {
            if (status < 200 || status > 299) firstFailure ??= `HTTP ${status}: ${String(body).slice(0, 300)}`;
          },
        },
      ],
    },
    (error, result) => (error ? failed(error) : finished(result)),
  );
  instance.on("response", (_client, status, _bytes, ms) => {
    lastResponseAt = performance.now();
    if (status >= 200 && status <= 299) latencies.push(ms);
    else failures++;
  });
  const result = await done;
  lag.disable();
  failures += result.errors + result.timeouts;
  if (result.errors + result.timeouts > 0)
    firstFailure ??= `${result.errors} connection errors, ${result.timeouts} timeouts`;
  return summary(latencies, lastResponseAt - start, lag, process.cpuUsage(cpu), failures, firstFailure);
}

async function openLoopHttp(job: Extract<LoadJob, { kind: "http-rate" }>): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const send = (req: HttpRequest) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const call = http.request(job.url + req.path, { method: req.method, headers: req.headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      });
      call.on("error", reject);
      call.end(req.body);
    });
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < job.amount; i++) {
    const due = start + (i * 1000) / job.perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      send(job.requests[i % job.requests.length]!).then(
        ({ status, body }) => {
          if (status >= 200 && status <= 299) latencies.push(performance.now() - due);
          else {
            failures++;
            firstFailure ??= `HTTP ${status}: ${body.slice(0, 300)}`;
          }
        },
        (error: Error) => {
          failures++;
          firstFailure ??= error.message;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  lag.disable();
  agent.destroy();
  return summary(latencies, performance.now() - start, lag, process.cpuUsage(cpu), failures, firstFailure);
}

async function closedLoopSql(job: Extract<LoadJob, { kind: "sql" }>): Promise<LoadResult> {
  const sql = postgres(job.databaseUrl, { max: job.concurrency, onnotice: () => {} });
  try {
    // Open every connection before the clock starts, as the server's pool has (the statement may write, so not it).
    await Promise.all(Array.from({ length: job.concurrency }, () => sql`SELECT pg_sleep(0.05)`));
    const latencies: number[] = [];
    let next = 0;
    const caller = async () => {
      while (next < job.amount) {
        const i = next++;
        const t0 = performance.now();
        await sql.unsafe(job.statement, job.params[i % job.params.length]!, { prepare: true });
        latencies.push(performance.now() - t0);
      }
    };
    const lag = monitorEventLoopDelay({ resolution: 1 });
    const measured = await cpuDuring(sql, async () => {
      lag.enable();
      const cpu = process.cpuUsage();
      const start = performance.now();
      await Promise.all(Array.from({ length: job.concurrency }, caller));
      const ms = performance.now() - start;
      const used = process.cpuUsage(cpu);
      lag.disable();
      return { ms, used };
    });
    return {
      ...summary(latencies, measured.value.ms, lag, measured.value.used, 0),
      postgresCpuMs: measured.postgresMs,
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

const run = (job: LoadJob) =>
  job.kind === "http" ? closedLoopHttp(job) : job.kind === "http-rate" ? openLoopHttp(job) : closedLoopSql(job);

process.on("message", (message: { id: number; job: LoadJob }) => {
  run(message.job).then(
    (result) => process.send!({ id: message.id, result }),
    (error: Error) => process.send!({ id: message.id, error: error.stack ?? error.message }),
  );
});
process.send!({ ready: true });
