import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

/** Runs the real server as a child process (its own process group, so SIGKILL reaches tsx and node). */
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface Sql {
  <T = Record<string, number>>(strings: TemplateStringsArray, ...values: unknown[]): Promise<T[]>;
  unsafe(query: string): Promise<unknown>;
  end(opts?: { timeout?: number }): Promise<void>;
}
/** The `postgres` driver the server itself uses, loaded from @c360/server so this package needs no copy of it. */
export const postgres = createRequire(`${repoRoot}server/package.json`)("postgres") as (
  url: string,
  opts: Record<string, unknown>,
) => Sql;
export const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });

/** A fresh database on the test PostgreSQL server; `drop()` removes it. */
export async function freshDatabase(prefix: string) {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const cleanup = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await cleanup.end();
    },
  };
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: string[];
}

export async function startServerProcess(env: Record<string, string>, port: number): Promise<ServerProcess> {
  const child = spawn("npx", ["tsx", "server/src/main.ts"], {
    cwd: repoRoot,
    // Started as production is: with a key for the Admin API tokens, which the server refuses to start without.
    env: {
      ...process.env,
      PORT: String(port),
      NODE_ENV: "production",
      C360_TOKEN_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      ...env,
    },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  child.stdout!.on("data", (b: Buffer) => output.push(b.toString()));
  child.stderr!.on("data", (b: Buffer) => output.push(b.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${output.join("")}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { child, url, output };
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`server did not start within 60 s: ${output.join("")}`);
}

export async function stopServerProcess(server: ServerProcess, signal: NodeJS.Signals) {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((r) => server.child.once("exit", r));
  process.kill(-server.child.pid!, signal);
  await exited;
}
