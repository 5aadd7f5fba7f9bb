import { own } from "./services.ts";

/**
 * A Bun child process running one of bench/workers/, spoken to over IPC.
 * Subscribers live in workers so the server's CPU and RSS are its own.
 */
export interface WorkerMessage {
  type: string;
  [key: string]: unknown;
}

export class WorkerProcess {
  private readonly inbox: WorkerMessage[] = [];
  private readonly waiters: Array<{ type: string; resolve: (m: WorkerMessage) => void; reject: (e: Error) => void }> = [];
  private readonly child;
  private exitCode: number | null = null;

  constructor(file: string, args: Record<string, unknown>) {
    this.child = own(
      Bun.spawn([process.execPath, file], {
        env: { ...process.env, BENCH_WORKER_ARGS: JSON.stringify(args) },
        stdout: "inherit",
        stderr: "inherit",
        serialization: "advanced",
        ipc: (message: WorkerMessage) => this.receive(message),
      }),
    );
    void this.child.exited.then((code) => {
      this.exitCode = code;
      for (const w of this.waiters.splice(0)) w.reject(new Error(`worker ${file} exited with ${code} while the bench waited for "${w.type}"`));
    });
  }

  private receive(message: WorkerMessage): void {
    if (message.type === "error") console.error(`[worker] ${String(message.message)}`);
    const i = this.waiters.findIndex((w) => w.type === message.type);
    if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(message);
    else this.inbox.push(message);
  }

  send(message: WorkerMessage): void {
    this.child.send(message);
  }

  /** The next message of this type (one already received counts), or a rejection after `timeoutMs`. */
  next(type: string, timeoutMs = 60_000): Promise<WorkerMessage> {
    const i = this.inbox.findIndex((m) => m.type === type);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0]!);
    if (this.exitCode !== null) return Promise.reject(new Error(`worker exited with ${this.exitCode}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker: no "${type}" within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        type,
        resolve: (m) => (clearTimeout(timer), resolve(m)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
    });
  }

  async stop(): Promise<void> {
    this.child.kill("SIGTERM");
    const done = await Promise.race([this.child.exited.then(() => true), Bun.sleep(5_000).then(() => false)]);
    if (!done) this.child.kill("SIGKILL");
  }
}

/** Splits `total` into `parts` near-equal shares. */
export function shares(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0)).filter((n) => n > 0);
}

/** Inside a worker: its arguments, and a typed send to the parent. */
export function workerArgs<T>(): T {
  return JSON.parse(process.env.BENCH_WORKER_ARGS ?? "{}") as T;
}

export function toParent(message: WorkerMessage): void {
  process.send!(message);
}
