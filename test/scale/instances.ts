import type { Subprocess } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "../harness/index.ts";
import { track } from "../harness/processes.ts";

/**
 * `serve` processes of the repository's server sharing backends, each with
 * its own port and DATA_DIR (its spool), in AUTH_MODE=open. `kill` is a
 * SIGKILL; `start` again keeps the port and the DATA_DIR, so a spool left by
 * the killed process is drained by the restarted one.
 */
export interface Instance {
  readonly url: string;
  readonly running: boolean;
  start(): Promise<void>;
  kill(): Promise<void>;
}

export interface Instances extends AsyncDisposable {
  readonly all: Instance[];
  /** The running instances, from the `n`th on, wrapping: spreads calls over them. */
  pick(n: number): Instance;
}

export async function startInstances(count: number, env: Record<string, string>): Promise<Instances> {
  const all = Array.from({ length: count }, () => instance(env));
  await Promise.all(all.map((i) => i.start()));
  return {
    all,
    pick(n) {
      const running = all.filter((i) => i.running);
      if (running.length === 0) throw new Error("no instance is running");
      return running[n % running.length]!;
    },
    async [Symbol.asyncDispose]() {
      await Promise.all(all.map((i) => i.kill()));
      for (const i of all) (i as ReturnType<typeof instance>).remove();
    },
  };
}

function instance(env: Record<string, string>) {
  const port = freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "gamejournal-instance-"));
  const url = `http://127.0.0.1:${port}`;
  let proc: Subprocess | undefined;
  return {
    url,
    get running() {
      return proc !== undefined && proc.exitCode === null && !proc.killed;
    },
    async start() {
      proc = track(
        Bun.spawn(["bun", "server/src/main.ts", "serve"], {
          env: { ...process.env, LOG_LEVEL: "error", ...env, AUTH_MODE: "open", SERVER_ADDRESS: `127.0.0.1:${port}`, DATA_DIR: dataDir },
          stdout: "ignore",
          stderr: "inherit",
        }),
      );
      await waitFor(`the instance on ${port}`, () => fetch(`${url}/health`).then((r) => r.ok, () => false), { timeoutMs: 30_000 });
    },
    async kill() {
      const p = proc;
      proc = undefined;
      if (!p) return;
      p.kill("SIGKILL");
      await p.exited;
    },
    remove: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}
