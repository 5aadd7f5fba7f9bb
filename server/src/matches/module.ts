import type { DomainModule, PlatformDeps } from "../platform/module.ts";
import { localPartitionLeases, redisPartitionLeases } from "../workers/index.ts";
import { matchesApi, type MatchesApi } from "./api.ts";
import { matchesGraphQL } from "./graphql.ts";
import { matchMetrics } from "./metrics.ts";
import { partitionOf } from "./partition.ts";
import { RebuildJobs } from "./rebuild-jobs.ts";
import { rebuildRunner } from "./rebuild-run.ts";
import { matchesRouter } from "./router.ts";
import { matchRoutes } from "./routes.ts";
import { openMatchStores, openSessionEventStore } from "./stores.ts";
import { MatchSummarizer } from "./summarizer.ts";
import { MATCH_SUMMARY_GROUP, matchSummaryWorkers } from "./worker.ts";

/**
 * Match summaries over the configured backends: stores in MongoDB when a
 * MongoDB URI is set, else the `documents` SQLite database; summarization
 * split into `MATCH_PARTITIONS` partitions by a hash of the match id, each
 * with its own summarizer and workers, folded under a Redis partition lease
 * (one holder at a time, spread over the live instances) or always held when
 * embedded; the inactivity timer that ends idle matches; and the admin
 * rebuilds (of summaries and of session events) that run beside the workers
 * without taking their leases (see rebuild-matches.ts).
 */
export function openMatches({ backends, config, journal, clock, logger, metrics, instance }: PlatformDeps): DomainModule<"matches", MatchesApi> {
  const { summaries, checkpoints } = openMatchStores(backends, clock);
  const log = logger.child({ domain: "matches" });
  const count = config.matches.partitions;
  const leases = backends.redis
    ? redisPartitionLeases(backends.redis, {
        name: MATCH_SUMMARY_GROUP,
        count,
        logger: log,
        clock,
        ttlMs: config.matches.leaseTtlMs,
        owner: instance,
        // Versions before partitions fold every match under this one lease: none of ours while one runs (a rolling upgrade).
        ...(count > 1 ? { yieldTo: [`workers:lease:${MATCH_SUMMARY_GROUP}`] } : {}),
      })
    : localPartitionLeases(count);
  const counters = matchMetrics(metrics.registry, { partitionsHeld: () => leases.held().length });
  const openByPartition = new Array<number>(count).fill(0);
  const summarizers = Array.from(
    { length: count },
    (_, index) =>
      new MatchSummarizer({
        summaries,
        checkpoints,
        clock,
        logger: log.child({ partition: index }),
        inactivityMs: config.matches.inactivityMs,
        owns: (matchId) => count === 1 || partitionOf(matchId, count) === index,
        metrics: {
          setOpen(n) {
            openByPartition[index] = n;
            counters.setOpen(openByPartition.reduce((a, b) => a + b, 0));
          },
          written: (seconds) => counters.written(seconds),
        },
      }),
  );
  const sessionEvents = openSessionEventStore(backends, config);
  const rebuilds = new RebuildJobs({ run: rebuildRunner({ journal: journal.journal, summaries, checkpoints, sessionEvents, clock }), clock, logger: log });
  const api = matchesApi({ summaries, journal, clock, rebuilds });
  let idleTimer: Timer | undefined;
  return {
    name: "matches",
    api,
    router: matchesRouter(api),
    routes: [matchRoutes(api)],
    graphql: matchesGraphQL(api),
    workers: matchSummaryWorkers({
      partitions: summarizers.map((summarizer, index) => ({ summarizer, lease: leases.leases[index]! })),
      summaries,
      checkpoints,
      onRetry: counters.retry,
    }),
    start({ workers }) {
      // An instance without workers holds no partition, so it has no open match to end.
      if (!workers) return;
      leases.start();
      // Only a partition's holder has its matches open in memory, so only it ends idle ones.
      idleTimer = setInterval(
        () => {
          summarizers.forEach((summarizer, index) => {
            // A holder paused past its lease's TTL may resume here first: it ends nothing once the lease may have passed on.
            if (leases.leases[index]!.remaining() <= 0) return;
            summarizer.endIdle().catch((error: Error) => log.warn({ err: error.message }, "could not end idle matches; will retry"));
          });
        },
        Math.max(1_000, config.matches.inactivityMs / 4),
      );
    },
    async stop() {
      clearInterval(idleTimer);
      await rebuilds.stop();
      await leases.stop();
    },
  };
}
