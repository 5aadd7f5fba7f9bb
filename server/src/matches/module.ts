import type { DomainModule, PlatformDeps } from "../platform/module.ts";
import { localLease, redisLease } from "../workers/index.ts";
import { matchesApi, type MatchesApi } from "./api.ts";
import { matchesGraphQL } from "./graphql.ts";
import { matchMetrics } from "./metrics.ts";
import { RebuildJobs } from "./rebuild-jobs.ts";
import { rebuildRunner } from "./rebuild-run.ts";
import { matchesRouter } from "./router.ts";
import { matchRoutes } from "./routes.ts";
import { openMatchStores, openSessionEventStore } from "./stores.ts";
import { MatchSummarizer } from "./summarizer.ts";
import { matchSummaryWorkers } from "./worker.ts";

/**
 * Match summaries over the configured backends: stores in MongoDB when a
 * MongoDB URI is set, else the `documents` SQLite database; the summary
 * worker under a Redis lease (one active summarizer across instances) or
 * always held when embedded; the inactivity timer that ends idle matches;
 * and the admin rebuilds (of summaries and of session events) that run
 * beside the worker without taking its lease (see rebuild-matches.ts).
 */
export function openMatches({ backends, config, journal, clock, logger, metrics }: PlatformDeps): DomainModule<"matches", MatchesApi> {
  const { summaries, checkpoints } = openMatchStores(backends, clock);
  const log = logger.child({ domain: "matches" });
  const counters = matchMetrics(metrics.registry);
  const summarizer = new MatchSummarizer({ summaries, checkpoints, clock, logger: log, inactivityMs: config.matches.inactivityMs, metrics: counters });
  const lease = backends.redis ? redisLease(backends.redis, "workers:lease:match-summaries", log, { clock }) : localLease();
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
    workers: matchSummaryWorkers({ summarizer, summaries, checkpoints, lease, onRetry: counters.retry }),
    start() {
      // Only the lease holder has matches open in memory, so only it ends idle ones.
      idleTimer = setInterval(
        () => {
          summarizer.endIdle().catch((error: Error) => log.warn({ err: error.message }, "could not end idle matches; will retry"));
        },
        Math.max(1_000, config.matches.inactivityMs / 4),
      );
    },
    async stop() {
      clearInterval(idleTimer);
      await rebuilds.stop();
      await lease.release();
    },
  };
}
