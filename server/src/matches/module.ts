import type { DomainModule, PlatformDeps } from "../platform/module.ts";
import { localLease, redisLease } from "../workers/index.ts";
import { matchesApi, type MatchesApi } from "./api.ts";
import { MongoMatchCheckpointStore } from "./checkpoint-store-mongo.ts";
import { SqliteMatchCheckpointStore } from "./checkpoint-store-sqlite.ts";
import { matchesGraphQL } from "./graphql.ts";
import { matchMetrics } from "./metrics.ts";
import { matchesRouter } from "./router.ts";
import { matchRoutes } from "./routes.ts";
import { MatchSummarizer } from "./summarizer.ts";
import { MongoMatchSummaryStore } from "./summary-store-mongo.ts";
import { SqliteMatchSummaryStore } from "./summary-store-sqlite.ts";
import { matchSummaryWorkers } from "./worker.ts";

/**
 * Match summaries over the configured backends: stores in MongoDB when a
 * MongoDB URI is set, else the `documents` SQLite database; the summary
 * worker under a Redis lease (one active summarizer across instances) or
 * always held when embedded; and the inactivity timer that ends idle matches.
 */
export function openMatches({ backends, config, journal, clock, logger, metrics }: PlatformDeps): DomainModule<"matches", MatchesApi> {
  const db = backends.mongo?.db;
  const summaries = db ? new MongoMatchSummaryStore(db) : new SqliteMatchSummaryStore(backends.sqlite("documents"));
  const checkpoints = db ? new MongoMatchCheckpointStore(db, { clock }) : new SqliteMatchCheckpointStore(backends.sqlite("documents"), { clock });
  const log = logger.child({ domain: "matches" });
  const counters = matchMetrics(metrics.registry);
  const summarizer = new MatchSummarizer({ summaries, checkpoints, clock, logger: log, inactivityMs: config.matches.inactivityMs, metrics: counters });
  const lease = backends.redis ? redisLease(backends.redis, "workers:lease:match-summaries", log, { clock }) : localLease();
  const api = matchesApi(summaries, journal, clock);
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
      await lease.release();
    },
  };
}
