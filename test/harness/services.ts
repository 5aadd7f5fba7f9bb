import { existsSync } from "node:fs";
import { createCluster } from "redis";
import { join } from "node:path";
import { LocalService, RedisServer, type ServiceHandle } from "./local-service.ts";
import { startRedisCluster, type RedisClusterHandle } from "./redis-cluster.ts";

export { LocalService, RedisServer, type ServiceHandle } from "./local-service.ts";
export { startRedisCluster, type RedisClusterHandle } from "./redis-cluster.ts";

/**
 * Real services for integration tests: a `redis-server` and a MongoDB-protocol
 * server (a `mongod` on PATH, else FerretDB 1.x on SQLite, installed with
 * `go install` when missing), each on a free loopback port in a temporary
 * directory that is removed when it stops. No mocks: tests talk to these
 * through the real drivers.
 *
 * `sharedRedis()` / `sharedMongo()` give one instance for the whole run (or
 * the one named by REDIS_URL / MONGODB_URI); tests that stop and restart a
 * server take their own with `startRedis()` / `startMongo()` and `await using`.
 */

class MongoServer extends LocalService {
  constructor() {
    super("mongo");
  }
  get url(): string {
    return `mongodb://127.0.0.1:${this.port}/`;
  }
  protected async command(): Promise<string[]> {
    const mongod = Bun.which("mongod");
    if (mongod) {
      return [mongod, "--port", String(this.port), "--bind_ip", "127.0.0.1", "--dbpath", this.dir, "--quiet"];
    }
    const ferretdb = await ferretdbBinary();
    return [ferretdb, "--handler=sqlite", `--sqlite-url=file:${this.dir}/`, `--listen-addr=127.0.0.1:${this.port}`,
      "--debug-addr=-", "--state-dir=-", "--telemetry=disable", "--log-level=error"];
  }
}

const REPO_ROOT = join(import.meta.dir, "..", "..");
const FERRETDB_SOURCE = join(import.meta.dir, "ferretdb");
const FERRETDB_BIN_DIR = join(REPO_ROOT, ".tools", "bin");
let ferretdbPath: Promise<string> | undefined;

/**
 * A FerretDB 1.24.1 binary: a working `ferretdb` on PATH, else the harness's
 * own build in `.tools/bin`, built on first use with `go install` from
 * test/harness/ferretdb (see its main.go for why not the stock command).
 */
export function ferretdbBinary(): Promise<string> {
  ferretdbPath ??= (async () => {
    const onPath = Bun.which("ferretdb");
    if (onPath && Bun.spawnSync([onPath, "--version"]).exitCode === 0) return onPath;
    const built = join(FERRETDB_BIN_DIR, "ferretdb");
    if (existsSync(built)) return built;
    const go = Bun.which("go") ?? (existsSync("/usr/local/go/bin/go") ? "/usr/local/go/bin/go" : undefined);
    if (!go) throw new Error("no mongod or ferretdb on PATH and no Go toolchain to build FerretDB with");
    console.error("[harness] building FerretDB v1.24.1 with go install (about a minute, once)");
    const install = Bun.spawn([go, "install", "."], {
      cwd: FERRETDB_SOURCE,
      env: { ...process.env, GOBIN: FERRETDB_BIN_DIR },
      stdout: "inherit",
      stderr: "inherit",
    });
    if ((await install.exited) !== 0 || !existsSync(built)) {
      throw new Error(`go install in ${FERRETDB_SOURCE} failed`);
    }
    return built;
  })();
  return ferretdbPath;
}

/**
 * A redis-server of the test's own, started; stop it with `await using`.
 * `appendfsync: "everysec"` trades what a killed Redis keeps for speed, for
 * tests that never kill it.
 */
export async function startRedis({ appendfsync = "always" }: { appendfsync?: "always" | "everysec" } = {}): Promise<ServiceHandle> {
  const server = new RedisServer(appendfsync);
  await server.start();
  return server;
}

/** A MongoDB-protocol server of the test's own, started; stop it with `await using`. */
export async function startMongo(): Promise<ServiceHandle> {
  const server = new MongoServer();
  await server.start();
  return server;
}

/** A cluster given by one node's URL, with its masters' URLs (as the cluster reports them). */
async function mastersOf(url: string): Promise<RedisClusterHandle> {
  const cluster = createCluster({ rootNodes: [{ url }] });
  await cluster.connect();
  const urls = cluster.masters.map((m) => `redis://${m.host}:${m.port}`);
  cluster.destroy();
  return { url, urls } as unknown as RedisClusterHandle;
}

const shared: { redis?: Promise<{ url: string }>; mongo?: Promise<{ url: string }>; cluster?: Promise<RedisClusterHandle> } = {};
const disposables: AsyncDisposable[] = [];

/**
 * The run's Redis Cluster (three masters, no replicas), started on first
 * use, or the one whose node REDIS_CLUSTER_URL names. Use unique key names.
 */
export function sharedRedisCluster(): Promise<{ url: string; urls: string[] }> {
  const given = process.env.REDIS_CLUSTER_URL;
  shared.cluster ??= given ? mastersOf(given) : startRedisCluster({ appendfsync: "everysec" }).then((c) => (disposables.push(c), c));
  return shared.cluster;
}

/** The run's Redis: REDIS_URL when set, else one started on first use. Use unique key names. */
export function sharedRedis(): Promise<{ url: string }> {
  shared.redis ??= process.env.REDIS_URL
    ? Promise.resolve({ url: process.env.REDIS_URL })
    : startRedis().then((s) => (disposables.push(s), s));
  return shared.redis;
}

/** A server's environment for the run's Redis Cluster (JOURNAL_REDIS_CLUSTER=true, the URI at one of its nodes). */
export async function clusterEnv(): Promise<Record<string, string>> {
  return { JOURNAL_REDIS_URI: (await sharedRedisCluster()).url, JOURNAL_REDIS_CLUSTER: "true" };
}

/** The run's MongoDB-protocol server: MONGODB_URI when set, else one started on first use. Use unique database names. */
export function sharedMongo(): Promise<{ url: string }> {
  shared.mongo ??= process.env.MONGODB_URI
    ? Promise.resolve({ url: process.env.MONGODB_URI })
    : startMongo().then((s) => (disposables.push(s), s));
  return shared.mongo;
}

/** Stops the shared services; called once after the whole run (see preload.ts). */
export async function stopSharedServices(): Promise<void> {
  await Promise.all(disposables.splice(0).map((s) => s[Symbol.asyncDispose]()));
}

/** A name no other test in this run uses, for keys, streams and databases. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
