import type { Subprocess } from "bun";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { freePort, waitForPort } from "../../test/harness/ports.ts";

/**
 * The processes a bench run owns: a `redis-server` without persistence (so
 * it measures what the journal costs, not the disk), `dist/gamejournal serve`
 * processes, and workers. Everything started here is killed when the run
 * ends, however it ends.
 */

export const ROOT = join(import.meta.dir, "..", "..");
export const BINARY = join(ROOT, "dist", "gamejournal");
/** Shared by the server and the `/v3/stream` client, which signs its tokens with it. */
export const JWT_SECRET = "bench-secret-not-for-production-0123456789";

const children = new Set<Subprocess>();
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

export function own<T extends Subprocess>(child: T): T {
  children.add(child);
  void child.exited.then(() => children.delete(child));
  return child;
}

export interface Service extends AsyncDisposable {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly dir: string;
  stop(): Promise<void>;
}

async function stopChild(child: Subprocess): Promise<void> {
  child.kill("SIGTERM");
  const exited = await Promise.race([child.exited.then(() => true), Bun.sleep(8_000).then(() => false)]);
  if (!exited) {
    child.kill("SIGKILL");
    await child.exited;
  }
}

function service(child: Subprocess, url: string, port: number, dir: string): Service {
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= stopChild(child));
  return {
    url,
    port,
    pid: child.pid,
    dir,
    stop,
    async [Symbol.asyncDispose]() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `redis-server` on a free loopback port, no RDB or AOF, room for 10,000+ clients. */
export async function startRedis(): Promise<Service> {
  const binary = Bun.which("redis-server");
  if (!binary) throw new Error("redis-server is not installed (apt-get install redis-server)");
  const port = freePort();
  const dir = mkdtempSync(join(tmpdir(), "gamejournal-bench-redis-"));
  const child = own(
    Bun.spawn(["sh", "-c", `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"`, binary, "--port", String(port), "--bind", "127.0.0.1",
      "--save", "", "--appendonly", "no", "--maxclients", "30000", "--dir", dir, "--logfile", "redis.log"], { stdout: "ignore", stderr: "inherit" }),
  );
  await waitForPort(port, 10_000);
  return service(child, `redis://127.0.0.1:${port}`, port, dir);
}

/**
 * `dist/gamejournal serve` on a free loopback port with its own DATA_DIR
 * and the highest open-file limit the shell may set. Resolves once /health answers.
 */
/** Extra settings for every server the bench starts, from BENCH_SERVER_ENV (a JSON object of strings). */
function serverEnv(): Record<string, string> {
  const raw = process.env.BENCH_SERVER_ENV;
  if (!raw) return {};
  const parsed: unknown = JSON.parse(raw);
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== "string")) {
    throw new Error('BENCH_SERVER_ENV must be a JSON object of strings, e.g. {"MATCH_PARTITIONS":"1"}');
  }
  return parsed as Record<string, string>;
}

export async function startServer(env: Record<string, string> = {}): Promise<Service> {
  const port = freePort();
  const dir = mkdtempSync(join(tmpdir(), "gamejournal-bench-server-"));
  // BENCH_PROFILE=<dir>: run the server from source under Bun's CPU profiler instead (profiles land in <dir> on exit).
  const profile = process.env.BENCH_PROFILE;
  const command = profile
    ? [process.execPath, "--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${profile}`, join(ROOT, "server/src/main.ts"), "serve"]
    : [BINARY, "serve"];
  const child = own(
    Bun.spawn(["sh", "-c", `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"`, "sh", ...command], {
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        SERVER_ADDRESS: `127.0.0.1:${port}`,
        DATA_DIR: dir,
        JWT_SECRET,
        LOG_LEVEL: "error",
        SHUTDOWN_TIMEOUT_SECONDS: "1",
        // The benchmarks measure the data path, as a game server on a private network runs it.
        AUTH_MODE: "open",
        // BENCH_SERVER_ENV='{"MATCH_PARTITIONS":"1"}': settings to compare within the same scenarios.
        ...serverEnv(),
        ...env,
      },
      stdout: "ignore",
      stderr: "inherit",
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gamejournal exited with ${child.exitCode} at start-up`);
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error("gamejournal did not answer /health within 20 s");
    await Bun.sleep(50);
  }
  return service(child, url, port, dir);
}

/** Resident set size of a process, in bytes (Linux /proc). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  return kb ? Number(kb[1]) * 1024 : NaN;
}

export interface Machine {
  cpu_model: string;
  cpu_count: number;
  memory_gib: number;
  os: string;
  bun: string;
  redis: string;
  git_revision: string;
}

export function describeMachine(): Machine {
  const osRelease = safe(() => /PRETTY_NAME="?([^"\n]+)/.exec(readFileSync("/etc/os-release", "utf8"))?.[1]) ?? process.platform;
  const redis = safe(() => /v=(\S+)/.exec(Bun.spawnSync(["redis-server", "--version"]).stdout.toString())?.[1]) ?? "unknown";
  const rev = safe(() => Bun.spawnSync(["git", "rev-parse", "--short=12", "HEAD"], { cwd: ROOT }).stdout.toString().trim()) ?? "unknown";
  const dirty = safe(() => Bun.spawnSync(["git", "status", "--porcelain", "--untracked-files=no"], { cwd: ROOT }).stdout.toString().trim() !== "");
  return {
    cpu_model: cpus()[0]?.model.trim() ?? "unknown",
    cpu_count: cpus().length,
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${osRelease} (Linux ${release()})`,
    bun: Bun.version,
    redis,
    git_revision: `${rev}${dirty ? "-dirty" : ""}`,
  };
}

function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}
