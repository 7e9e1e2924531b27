import { fork, type ChildProcess } from "node:child_process";
import type { LoadJob, LoadResult } from "./jobs";

/**
 * A separate Node process that generates load (./client.ts), so the server under test does not share its
 * event loop with its own clients. Jobs run one at a time; a job with failed requests rejects, with the
 * first failure in the message.
 */
export class LoadProcess {
  private readonly child: ChildProcess;
  private readonly ready: Promise<void>;
  private readonly pending = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor() {
    // fork inherits this process's exec arguments, so the child runs TypeScript through tsx as well.
    this.child = fork(new URL("./client.ts", import.meta.url), {
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.ready = new Promise((resolve, reject) => {
      this.child.once("error", reject);
      this.child.once("exit", (code) => reject(new Error(`load process exited with ${code} before it was ready`)));
      this.child.on("message", (m: { ready?: true; id?: number; result?: LoadResult; error?: string }) => {
        if (m.ready) return resolve();
        const waiting = this.pending.get(m.id!);
        this.pending.delete(m.id!);
        if (m.error !== undefined) waiting?.reject(new Error(`load process: ${m.error}`));
        else waiting?.resolve(m.result!);
      });
    });
    this.child.on("exit", (code) => {
      for (const w of this.pending.values()) w.reject(new Error(`load process exited with ${code}`));
      this.pending.clear();
    });
  }

  async run(job: LoadJob): Promise<LoadResult> {
    await this.ready;
    const id = this.nextId++;
    const result = await new Promise<LoadResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, job });
    });
    if (result.failures > 0)
      throw new Error(
        `${result.failures} of ${result.requests} requests failed (${job.kind}); first: ${result.firstFailure}`,
      );
    return result;
  }

  close(): void {
    this.child.kill();
  }
}
