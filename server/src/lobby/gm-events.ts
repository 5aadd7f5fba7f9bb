import type { Logger } from "../log.ts";
import type { Clock } from "../platform/clock.ts";
import type { Lease } from "../workers/lease.ts";
import { CapabilityEvaluator, type CapabilityPublisher } from "./capability.ts";
import type { GmEventSource } from "./gm-event-source.ts";
import { GmEventsSupervisor } from "./gm-events-supervisor.ts";
import { GmEventsWorker, type GmEventsWorkerConfig } from "./gm-events-worker.ts";
import type { LobbyMetrics } from "./metrics.ts";
import type { LobbyStores } from "./stores.ts";

export interface GmEventsDeps {
  stores: LobbyStores;
  /** `RedisGmEventSource` (scaled) or `JournalGmEventSource` (embedded). */
  source: GmEventSource;
  /** Where evaluated games are announced, e.g. `journalCapabilityPublisher(journal, { clock })`. */
  publisher: CapabilityPublisher;
  clock: Clock;
  logger: Logger;
  metrics?: LobbyMetrics | undefined;
  /** `redisLease(...)` when several instances share Redis; omit when embedded. */
  lease?: Lease | undefined;
  /** Timings of the worker (block, batch, hold retries, lag interval). */
  worker?: Pick<GmEventsWorkerConfig, "blockMs" | "batch" | "holdRetryMs" | "lagIntervalMs">;
}

/**
 * The gm events worker assembled from the lobby's stores: capability
 * evaluation over the same stores, the worker, and its supervisor. Start it
 * with `supervisor.run(signal)` (it resolves once stopped and released the
 * lease); close `source` after.
 */
export function createGmEvents({ stores, source, publisher, clock, logger, metrics, lease, worker: timings = {} }: GmEventsDeps) {
  const evaluator = new CapabilityEvaluator({ ...stores, publisher, clock });
  const worker = new GmEventsWorker({ ...timings, source, games: stores.games, stats: stores.stats, capability: evaluator, offsets: stores.offsets, clock, logger, metrics });
  const supervisor = new GmEventsSupervisor({ worker, logger, lease });
  return { evaluator, worker, supervisor };
}
