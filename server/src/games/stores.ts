import type { Backends } from "../backends/index.ts";
import type { Clock } from "../platform/clock.ts";
import {
  MongoGameEventStore,
  SqliteGameEventStore,
  type AppendOptions,
  type AppendResult,
  type GameEventStore,
  type GameListing,
  type ListGamesOptions,
  type NewEvent,
  type ReadOptions,
  type Snapshot,
  type StoredEvent,
} from "./store/index.ts";

/** The game event store on the configured document backend (MongoDB when set, else `documents.db`), initialised on first use. */
export function openGameEventStore(backends: Backends, clock: Clock): GameEventStore {
  return new InitOnUse(backends.mongo ? new MongoGameEventStore(backends.mongo.db, { clock }) : new SqliteGameEventStore(backends.sqlite("documents"), { clock }));
}

/**
 * A store whose `init` (tables, indexes) runs before the first call: every
 * call waits for it, and a failed `init` (MongoDB out of reach) is tried
 * again by the next call rather than remembered. So the server starts
 * without waiting for MongoDB.
 */
export class InitOnUse implements GameEventStore {
  private ready: Promise<void> | undefined;

  constructor(private readonly store: GameEventStore) {}

  init(): Promise<void> {
    this.ready ??= this.store.init().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  private async use<T>(call: () => Promise<T>): Promise<T> {
    await this.init();
    return call();
  }

  append(gameId: string, expectedVersion: number, events: NewEvent[], commandId: string | null, options?: AppendOptions): Promise<AppendResult> {
    return this.use(() => this.store.append(gameId, expectedVersion, events, commandId, options));
  }
  read(gameId: string, options?: ReadOptions): Promise<StoredEvent[]> {
    return this.use(() => this.store.read(gameId, options));
  }
  readByTime(gameId: string, fromMs: number, toMs: number, options?: { limit?: number }): Promise<StoredEvent[]> {
    return this.use(() => this.store.readByTime(gameId, fromMs, toMs, options));
  }
  version(gameId: string): Promise<number> {
    return this.use(() => this.store.version(gameId));
  }
  latestId(gameId: string): Promise<number> {
    return this.use(() => this.store.latestId(gameId));
  }
  exists(gameId: string, eventId: number): Promise<boolean> {
    return this.use(() => this.store.exists(gameId, eventId));
  }
  findCommand(gameId: string, commandId: string): Promise<AppendResult | null> {
    return this.use(() => this.store.findCommand(gameId, commandId));
  }
  listGames(options?: ListGamesOptions): Promise<GameListing[]> {
    return this.use(() => this.store.listGames(options));
  }
  saveSnapshot(gameId: string, version: number, state: unknown): Promise<void> {
    return this.use(() => this.store.saveSnapshot(gameId, version, state));
  }
  loadSnapshot(gameId: string): Promise<Snapshot | null> {
    return this.use(() => this.store.loadSnapshot(gameId));
  }
}
