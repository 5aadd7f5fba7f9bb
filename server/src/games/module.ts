import type { DomainModule, PlatformDeps } from "../platform/module.ts";
import { prometheusGameMetrics } from "./metrics.ts";
import { journalNotifier } from "./notifier.ts";
import { gamesRouter } from "./router.ts";
import { gameRoutes } from "./routes.ts";
import { GameService } from "./service.ts";
import { createGameSocketEndpoint } from "./socket-endpoint.ts";
import { openGameEventStore } from "./stores.ts";

/**
 * The game rooms (seed 003) over the configured backends: the per-game
 * event store in MongoDB (collections `events`, `game_commands`,
 * `game_directory`, `game_snapshots`) when a MongoDB URI is set, else in the
 * embedded `documents` SQLite database; notifications in the journal
 * (Redis or embedded), so live readers on every instance learn of new
 * events. Serves REST under `/api/games`, tRPC `games.*` and the plain
 * WebSocket `/ws`. MongoDB's indexes are created before the first use of the
 * store, so start-up does not wait for MongoDB.
 */
export function openGames(deps: PlatformDeps): DomainModule<"games", GameService> {
  const { backends, config, journal, feeds, auth, clock, metrics } = deps;
  const logger = deps.logger.child({ domain: "games" });
  const store = openGameEventStore(backends, clock);
  let service: GameService | undefined;
  const gameMetrics = prometheusGameMetrics(metrics.registry, () => service?.rooms.openCount() ?? 0);
  service = new GameService({
    store,
    settings: config.games,
    auth,
    clock,
    logger,
    feeds,
    metrics: gameMetrics,
    notify: journalNotifier({ journal, clock, logger }),
  });
  return {
    name: "games",
    api: service,
    router: gamesRouter(service),
    routes: [gameRoutes({ games: service, logger })],
    sockets: [createGameSocketEndpoint({ games: service, access: deps.access, logger })],
  };
}
