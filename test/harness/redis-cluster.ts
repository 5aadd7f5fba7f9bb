import { createClient } from "redis";
import { waitFor } from "./ports.ts";
import { RedisServer, type ServiceHandle } from "./local-service.ts";

/**
 * A Redis Cluster on loopback for tests: `masters` redis-servers with
 * `--cluster-enabled yes` (and `replicasPerMaster` replicas each), joined
 * with `redis-cli --cluster create`, ready once every node reports
 * `cluster_state:ok`, knows every other node and (with replicas) every
 * master has its replicas attached. Ports are below 55535 so that each
 * node's cluster bus (port + 10000) is a valid port, and both are free.
 */
export interface RedisClusterHandle extends AsyncDisposable {
  /** The first node's URL (any node will do for a cluster client). */
  readonly url: string;
  readonly urls: string[];
  readonly nodes: ServiceHandle[];
  /** The node serving `key`'s slot as master now. */
  masterOf(key: string): Promise<ServiceHandle>;
  /** Resolves once every running node reports `cluster_state:ok` and `key`'s slot has a reachable master. */
  waitHealthy(timeoutMs?: number): Promise<void>;
}

/** A loopback port below 55535 that is free, with its cluster bus port (+10000) free too. */
export function freeClusterPort(taken: Set<number>): number {
  for (let attempt = 0; attempt < 1_000; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (taken.has(port) || taken.has(port + 10_000) || taken.has(port - 10_000)) continue;
    if (canListen(port) && canListen(port + 10_000)) {
      taken.add(port);
      return port;
    }
  }
  throw new Error("no free loopback port pair (port, port + 10000) below 55535");
}

function canListen(port: number): boolean {
  try {
    Bun.listen({ hostname: "127.0.0.1", port, socket: { data() {} } }).stop(true);
    return true;
  } catch {
    return false;
  }
}

async function cli(args: string[]): Promise<string> {
  const proc = Bun.spawn(["redis-cli", ...args], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`redis-cli ${args.join(" ")} exited with ${code}: ${err}${out}`.slice(0, 800));
  return out;
}

async function clusterInfo(port: number): Promise<string> {
  return cli(["-p", String(port), "cluster", "info"]);
}

/**
 * Starts a cluster; stop it with `await using`. `appendfsync: "everysec"`
 * for suites that never kill a node. `nodeTimeoutMs` is the cluster's
 * failure detection time (a replica is promoted about that long after its
 * master stops answering).
 */
export async function startRedisCluster({
  masters = 3,
  replicasPerMaster = 0,
  appendfsync = "always",
  nodeTimeoutMs = 2_000,
}: { masters?: number; replicasPerMaster?: 0 | 1; appendfsync?: "always" | "everysec"; nodeTimeoutMs?: number } = {}): Promise<RedisClusterHandle> {
  if (!Bun.which("redis-cli")) throw new Error("redis-cli is not installed (Debian's redis-tools, installed with redis-server)");
  const taken = new Set<number>();
  const count = masters * (1 + replicasPerMaster);
  const nodes = Array.from({ length: count }, () => {
    const port = freeClusterPort(taken);
    return new RedisServer(appendfsync, ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", String(nodeTimeoutMs), "--repl-diskless-sync-delay", "0"], port);
  });
  const handle: RedisClusterHandle = {
    url: nodes[0]!.url,
    urls: nodes.map((n) => n.url),
    nodes,
    async masterOf(key) {
      for (const node of nodes.filter((n) => n.running)) {
        const client = createClient({ url: node.url });
        try {
          await client.connect();
          const role = String(((await client.sendCommand(["ROLE"])) as unknown[])[0]);
          if (role !== "master") continue;
          const reply = await client.sendCommand(["GET", key]).then(() => "ok", (e: Error) => e.message);
          if (!reply.startsWith("MOVED") && !reply.startsWith("CLUSTERDOWN")) return node;
        } catch {
          // not reachable: try the next node
        } finally {
          client.destroy();
        }
      }
      throw new Error(`no master serves ${key}`);
    },
    async waitHealthy(timeoutMs = 30_000) {
      await waitFor(
        "cluster_state:ok on every running node",
        async () => {
          const infos = await Promise.all(nodes.filter((n) => n.running).map((n) => clusterInfo(n.port)));
          return infos.every((info) => info.includes("cluster_state:ok"));
        },
        { timeoutMs, intervalMs: 100 },
      );
    },
    async [Symbol.asyncDispose]() {
      await Promise.all(nodes.map((n) => n[Symbol.asyncDispose]()));
    },
  };
  try {
    await Promise.all(nodes.map((n) => n.start()));
    await cli(["--cluster", "create", ...nodes.map((n) => `127.0.0.1:${n.port}`), "--cluster-replicas", String(replicasPerMaster), "--cluster-yes"]);
    await handle.waitHealthy(60_000);
    await waitFor(
      "every node to know every other",
      async () => (await Promise.all(nodes.map((n) => clusterInfo(n.port)))).every((info) => info.includes(`cluster_known_nodes:${count}`)),
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    if (replicasPerMaster > 0) {
      await waitFor(
        "every replica to be in sync with its master",
        async () => {
          const roles = await Promise.all(nodes.map((n) => cli(["-p", String(n.port), "info", "replication"])));
          const synced = roles.filter((r) => r.includes("role:slave") && r.includes("master_link_status:up") && r.includes("master_sync_in_progress:0"));
          return synced.length === masters * replicasPerMaster;
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
    }
  } catch (error) {
    await handle[Symbol.asyncDispose]();
    throw error;
  }
  return handle;
}
