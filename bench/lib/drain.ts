import { createClient } from "redis";

/** The streams the built-in workers read in consumer groups. */
const WORKER_STREAMS = ["events:player_actions", "events:rtapi"];

/**
 * Waits until every consumer group on the workers' streams has read and
 * acknowledged everything (XINFO GROUPS: lag 0, nothing pending), so that a
 * case does not pay for the backlog the case before it left; returns the
 * seconds it waited. Gives up after `timeoutMs` and says so.
 */
export async function workersDrained(redisUrl: string, log: (line: string) => void, timeoutMs = 180_000): Promise<number> {
  const client = createClient({ url: redisUrl });
  await client.connect();
  const started = performance.now();
  try {
    for (;;) {
      let behind = 0;
      for (const stream of WORKER_STREAMS) {
        if ((await client.exists(stream)) === 0) continue;
        const groups = (await client.xInfoGroups(stream)) as unknown as Array<{ lag: number | null; pending: number }>;
        for (const g of groups) behind += (g.lag ?? 1) + g.pending;
      }
      const waited = (performance.now() - started) / 1000;
      if (behind === 0) {
        if (waited > 1) log(`workers caught up after ${waited.toFixed(1)} s`);
        return waited;
      }
      if (waited * 1000 > timeoutMs) {
        log(`workers still ${behind} entries behind after ${waited.toFixed(0)} s; going on`);
        return waited;
      }
      await Bun.sleep(200);
    }
  } finally {
    client.destroy();
  }
}
