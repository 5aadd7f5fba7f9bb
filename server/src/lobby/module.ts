import { LOBBY_EVENTS_STREAM } from "@gamejournal/shared";
import { prometheusFeedMetrics } from "../platform/live-feed/index.ts";
import type { DomainModule, PlatformDeps } from "../platform/module.ts";
import { anySignal } from "../util/abort.ts";
import { redisLease } from "../workers/lease.ts";
import { lobbyApi, type LobbyApi } from "./api.ts";
import { journalCapabilityPublisher } from "./capability-publisher.ts";
import { JournalGmEventSource } from "./gm-event-source-journal.ts";
import { RedisGmEventSource } from "./gm-event-source-redis.ts";
import type { GmEventSource } from "./gm-event-source.ts";
import { createGmEvents } from "./gm-events.ts";
import { GmEventsSupervisor } from "./gm-events-supervisor.ts";
import { lobbyGraphQL } from "./graphql.ts";
import { lobbyMetrics } from "./metrics.ts";
import { announcingGameStore, announcingPublisher, GameRecordFeed } from "./record-feed.ts";
import { lobbyRouter } from "./router.ts";
import { lobbyRoutes } from "./routes.ts";
import { lobbyStoresReady, mongoLobbyStores, sqliteLobbyStores } from "./stores.ts";

/** The Redis key of the gm events worker's lease over `stream`: one consumer of a stream at a time. */
export const toGmEventsLeaseKey = (stream: string) => `workers:lease:lobby-gm-events:${stream}`;

/**
 * The lobby (seed 004) over the configured backends:
 *
 * - stores in MongoDB when a MongoDB URI is set, else the `documents` SQLite
 *   database; initialised on first need (the API and the worker wait for it,
 *   so start-up does not wait for MongoDB);
 * - the Game Master's stream `LOBBY_GM_EVENTS_STREAM`: with Redis, the real
 *   Redis stream the Game Master XADDs to (`POST /v1/lobby/gm-events`
 *   answers 409); embedded, a journal stream the Game Master appends to
 *   through that route;
 * - the gm events worker under its supervisor, started in `start()` (when
 *   this instance runs workers) and
 *   stopped in `stop()`; with Redis only the holder of a lease runs it (one
 *   instance at a time; a successor resumes from the stored offset within
 *   `LOBBY_GM_EVENTS_LEASE_TTL_SECONDS`);
 * - evaluations journaled on `lobby:events` (one `capabilities_evaluated`
 *   per game), and every record change on the game's records stream, which
 *   `lobby.gameUpdates` and `GET /v1/lobby/games/{id}/live` follow;
 * - the metrics `lobby_game_transitions_total` (worker and API) and
 *   `lobby_gm_events_lag_entries`.
 */
export function openLobby({ backends, config, journal, feeds, clock, logger, metrics, shutdown, instance }: PlatformDeps): DomainModule<"lobby", LobbyApi> {
  const log = logger.child({ domain: "lobby" });
  const plain = backends.mongo ? mongoLobbyStores(backends.mongo.db, { clock }) : sqliteLobbyStores(backends.sqlite("documents"), { clock });
  const ready = lobbyStoresReady(plain);
  const feed = new GameRecordFeed({ journal, games: plain.games, clock, logger: log });
  const stores = { ...plain, games: announcingGameStore(plain.games, feed) };
  const counters = lobbyMetrics(metrics.registry);
  const stream = config.lobby.gmEventsStream;
  const source: GmEventSource = backends.redis ? new RedisGmEventSource(backends.redis, stream) : new JournalGmEventSource(journal.journal, stream);
  const publisher = announcingPublisher(journalCapabilityPublisher(journal.journal, { clock, stream: LOBBY_EVENTS_STREAM }), feed);
  const { worker } = createGmEvents({ stores, source, publisher, clock, logger: log, metrics: counters });
  const supervisor = new GmEventsSupervisor({
    // The stores are initialised before each run; until they can be, the run fails and is retried with backoff.
    worker: {
      async run(signal, hooks) {
        await ready();
        return worker.run(signal, hooks);
      },
    },
    logger: log,
    lease: backends.redis ? redisLease(backends.redis, toGmEventsLeaseKey(stream), log, { clock, ttlMs: config.lobby.leaseTtlMs, owner: instance }) : undefined,
  });
  const api = lobbyApi({
    stores,
    ready,
    journal,
    feeds,
    clock,
    logger: log,
    metrics: counters,
    gmEvents: { stream, via: backends.redis ? "redis" : "journal" },
    feedMetrics: prometheusFeedMetrics(metrics.registry, "lobby_records", "game record"),
  });

  const stopping = new AbortController();
  let running: Promise<void> | undefined;
  return {
    name: "lobby",
    api,
    router: lobbyRouter(api),
    routes: [lobbyRoutes({ lobby: api, maxBodyBytes: journal.maxEventBytes })],
    graphql: lobbyGraphQL(api),
    start({ workers }) {
      if (workers) running = supervisor.run(anySignal(stopping.signal, shutdown));
    },
    async stop() {
      stopping.abort();
      await running;
      await source.close();
    },
  };
}
