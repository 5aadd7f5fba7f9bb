import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { freePort, waitForPort } from "./ports.ts";
import { track } from "./processes.ts";

/**
 * A server process of a test's own on a loopback port, in a temporary
 * directory removed when it is disposed; `RedisServer` is the redis-server
 * one (a standalone server, or a cluster node with `--cluster-enabled`).
 */

export interface ServiceHandle extends AsyncDisposable {
  readonly url: string;
  readonly port: number;
  /** Stops the server; `kill` simulates a crash (SIGKILL) instead of a clean shutdown. */
  stop(opts?: { kill?: boolean }): Promise<void>;
  /** Starts it again on the same port with the same data directory. */
  start(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open and nothing is answered, as a hung server. */
  pause(): void;
  /** Lets a paused process go on (SIGCONT). */
  resume(): void;
  readonly running: boolean;
}

export abstract class LocalService implements ServiceHandle {
  readonly port: number;
  protected readonly dir: string;
  private child: Subprocess | undefined;

  constructor(
    protected readonly kind: string,
    port = freePort(),
  ) {
    this.port = port;
    this.dir = mkdtempSync(join(tmpdir(), `gamejournal-${kind}-`));
  }

  abstract get url(): string;
  protected abstract command(): Promise<string[]>;

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && !this.child.killed;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const cmd = await this.command();
    const child = track(Bun.spawn(cmd, { cwd: this.dir, stdout: "ignore", stderr: "pipe" }));
    this.child = child;
    try {
      await Promise.race([
        waitForPort(this.port, 60_000),
        child.exited.then(async (code) => {
          const stderr = await new Response(child.stderr as ReadableStream).text();
          throw new Error(`${this.kind} exited with ${code} before listening: ${stderr.slice(-500)}`);
        }),
      ]);
    } catch (error) {
      child.kill("SIGKILL");
      throw error;
    }
  }

  async stop({ kill = false }: { kill?: boolean } = {}): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.kill(kill ? "SIGKILL" : "SIGTERM");
    const exited = await Promise.race([child.exited.then(() => true), Bun.sleep(10_000).then(() => false)]);
    if (!exited) {
      child.kill("SIGKILL");
      await child.exited;
    }
  }

  pause(): void {
    this.child?.kill("SIGSTOP");
  }

  resume(): void {
    this.child?.kill("SIGCONT");
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.resume();
    await this.stop({ kill: true });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class RedisServer extends LocalService {
  constructor(
    private readonly appendfsync: "always" | "everysec" = "always",
    private readonly extra: string[] = [],
    port?: number,
  ) {
    super("redis", port);
  }
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
  protected async command(): Promise<string[]> {
    const binary = Bun.which("redis-server");
    if (!binary) throw new Error("redis-server is not installed: run `sh scripts/dev.sh test` or `apt-get install redis-server`");
    // AOF with fsync on every write (by default), so a restart (clean or killed) keeps what Redis acknowledged.
    return [binary, "--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
      "--appendfsync", this.appendfsync, "--dir", this.dir, "--logfile", "redis.log", ...this.extra];
  }
}

