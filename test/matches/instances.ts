import type { Subprocess } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { partitionOf } from "../../server/src/matches/partition.ts";
import { freePort, waitForPort } from "../harness/index.ts";
import { startServeProcess } from "./long-match.ts";

/** One `serve` process of a test's set, restartable on the same port and DATA_DIR. */
export interface ServeInstance {
  readonly port: number;
  readonly url: string;
  readonly dataDir: string;
  process: Subprocess;
}

/**
 * `count` `serve` processes sharing `env` (one Redis, one MongoDB database),
 * each on a port and DATA_DIR of its own; disposing stops them and removes
 * the directories.
 */
export async function startInstances(count: number, env: Record<string, string>): Promise<ServeInstance[] & AsyncDisposable> {
  const instances = Array.from({ length: count }, (): ServeInstance => {
    const port = freePort();
    const dataDir = mkdtempSync(join(tmpdir(), "gamejournal-instance-"));
    return { port, url: `http://127.0.0.1:${port}`, dataDir, process: startServeProcess(port, { ...env, DATA_DIR: dataDir }) };
  });
  await Promise.all(instances.map((i) => waitForPort(i.port)));
  return Object.assign(instances, {
    async [Symbol.asyncDispose]() {
      for (const i of instances) i.process.kill("SIGTERM");
      await Promise.all(instances.map((i) => i.process.exited));
      for (const i of instances) rmSync(i.dataDir, { recursive: true, force: true });
    },
  });
}

/** Kills an instance with SIGKILL (no shutdown at all) and starts it again on its port and DATA_DIR. */
export async function killAndRestart(instance: ServeInstance, env: Record<string, string>): Promise<void> {
  instance.process.kill("SIGKILL");
  await instance.process.exited;
  instance.process = startServeProcess(instance.port, { ...env, DATA_DIR: instance.dataDir });
}

/** A Prometheus sample's value on the instance's /metrics (0 when absent or unreachable). */
export async function metric(url: string, name: string): Promise<number> {
  const text = await fetch(`${url}/metrics`)
    .then((r) => r.text())
    .catch(() => "");
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : 0;
}

/** Match ids, `perPartition` in every one of `partitions` partitions, from fresh session uuids. */
export function matchesInEveryPartition(partitions: number, perPartition: number): Array<{ session: string; matchId: string; partition: number }> {
  const found: Array<{ session: string; matchId: string; partition: number }> = [];
  const counts = new Array<number>(partitions).fill(0);
  while (found.length < partitions * perPartition) {
    const session = crypto.randomUUID();
    const matchId = `${session}.default-node`;
    const partition = partitionOf(matchId, partitions);
    if (counts[partition]! >= perPartition) continue;
    counts[partition]!++;
    found.push({ session, matchId, partition });
  }
  return found;
}
