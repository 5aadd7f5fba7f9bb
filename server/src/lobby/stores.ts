import type { Database } from "bun:sqlite";
import type { Db } from "mongodb";
import type { Clock } from "../platform/clock.ts";
import type { CapabilityStore } from "./capability-store.ts";
import { MongoCapabilityStore } from "./capability-store-mongo.ts";
import { SqliteCapabilityStore } from "./capability-store-sqlite.ts";
import type { EvaluationGuardStore } from "./evaluation-guard-store.ts";
import { MongoEvaluationGuardStore } from "./evaluation-guard-store-mongo.ts";
import { SqliteEvaluationGuardStore } from "./evaluation-guard-store-sqlite.ts";
import type { GameStore } from "./game-store.ts";
import { MongoGameStore } from "./game-store-mongo.ts";
import { SqliteGameStore } from "./game-store-sqlite.ts";
import type { OffsetStore } from "./offset-store.ts";
import { MongoOffsetStore } from "./offset-store-mongo.ts";
import { SqliteOffsetStore } from "./offset-store-sqlite.ts";
import type { StatsStore } from "./stats-store.ts";
import { MongoStatsStore } from "./stats-store-mongo.ts";
import { SqliteStatsStore } from "./stats-store-sqlite.ts";

/** Every store of the lobby, on one backend. */
export interface LobbyStores {
  games: GameStore;
  stats: StatsStore;
  guard: EvaluationGuardStore;
  capabilities: CapabilityStore;
  offsets: OffsetStore;
}

/** The lobby's stores in MongoDB (collections `lobby_*`). Nothing is created until `initLobbyStores`. */
export function mongoLobbyStores(db: Db, { clock }: { clock: Clock }): LobbyStores {
  return {
    games: new MongoGameStore(db, { clock }),
    stats: new MongoStatsStore(db),
    guard: new MongoEvaluationGuardStore(db),
    capabilities: new MongoCapabilityStore(db),
    offsets: new MongoOffsetStore(db, { clock }),
  };
}

/** The lobby's stores in an embedded SQLite database (tables `lobby_*`, e.g. in `documents.db`). */
export function sqliteLobbyStores(db: Database, { clock }: { clock: Clock }): LobbyStores {
  return {
    games: new SqliteGameStore(db, { clock }),
    stats: new SqliteStatsStore(db),
    guard: new SqliteEvaluationGuardStore(db),
    capabilities: new SqliteCapabilityStore(db),
    offsets: new SqliteOffsetStore(db, { clock }),
  };
}

/** Creates every store's tables / indexes; safe to repeat (e.g. until MongoDB is reachable). */
export async function initLobbyStores(stores: LobbyStores): Promise<void> {
  for (const store of [stores.games, stores.stats, stores.guard, stores.capabilities, stores.offsets]) await store.init();
}

/**
 * `initLobbyStores` once, on first need: the returned function resolves once
 * the stores are initialised. Callers share the attempt in flight; a failed
 * attempt (MongoDB unreachable) rejects its callers and the next call tries
 * again, so start-up never waits for MongoDB.
 */
export function lobbyStoresReady(stores: LobbyStores): () => Promise<void> {
  let ready: Promise<void> | undefined;
  return () => {
    ready ??= initLobbyStores(stores).catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };
}
