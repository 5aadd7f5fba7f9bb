import { GameJournalError } from "../../errors.ts";

/**
 * The per-game event store of the game rooms (seed 003): every game is an
 * append-only log of events numbered 1, 2, 3… Adapters:
 * `event-store-mongo.ts` (MongoDB or FerretDB 1.x, the seed's `events`
 * collection) and `event-store-sqlite.ts` (embedded); both pass the one
 * contract suite in test/games/event-store.contract.ts. Event payloads are
 * opaque JSON here; the rules engine gives them meaning.
 *
 * Guarantees every adapter keeps:
 *
 * 1. Gapless: a game's events have the ids 1..version, each exactly once.
 *    An append's events get `expectedVersion + 1`, `+ 2`, … in the order given.
 * 2. Atomic: the events of one append become visible all together or not at
 *    all, to every read, also when the process dies between two writes
 *    (MongoDB: the append's first document is its commit record, see
 *    `event-store-mongo.ts`; SQLite: one IMMEDIATE transaction).
 * 3. Compare-and-set: `append` succeeds only when the game is at
 *    `expectedVersion` at the moment it commits; otherwise it rejects with a
 *    ConcurrencyError and stores nothing. Of any number of concurrent appends
 *    at one version, from one process or many, exactly one wins.
 *    `expectedVersion` 0 creates the game; creating it again conflicts.
 * 4. Idempotent: an append whose `commandId` was already applied to the game
 *    (at any time before, by any instance, across restarts, whatever the
 *    game's version now) stores nothing and returns the first result again
 *    with `duplicate: true`, even when it races the first. A command is
 *    applied to a game at most once (a unique index, not a lookup, enforces
 *    it). A null `commandId` is never deduplicated. `findCommand` answers
 *    that same first result without appending.
 * 5. Reads return events in id order without gaps: `read` gives a run
 *    starting right after `after` (shorter than `limit` only at the end of
 *    the log, or when an append commits while the read runs).
 * 6. Timestamps come from the injected clock, one reading per append (all of
 *    its events share it). Clocks of several instances may disagree, so
 *    timestamps are not guaranteed to grow with the ids.
 * 7. Payloads round-trip as JSON: what a read returns equals
 *    `JSON.parse(JSON.stringify(data))` of what was appended, and `append`
 *    returns its events in that same form.
 * 8. The game directory (`listGames`) shows each game with the summary
 *    passed with its highest-versioned append that carried one, never moved
 *    back by a late writer once everyone is done (on FerretDB 1.x, whose
 *    updates are not atomic, a listing taken while two appends of a game
 *    race may briefly show the older one; the writer that finishes last
 *    repairs it). Pass a summary with every append: the directory is only
 *    as fresh as the summaries it is given.
 * 9. Snapshots are an optimisation: the store keeps the newest saved for a
 *    game (an older save does not replace it, though on FerretDB 1.x two
 *    saves racing may leave the older; saving at the kept version again keeps
 *    one of the two). Nothing else reads them: the caller must be able to
 *    rebuild any state from the log alone.
 * 10. Bad input (an empty game id, a negative version, an event without a
 *    type, a payload that is not JSON, …) is a ValidationError naming the
 *    field, and changes nothing. A driver error always rejects (MongoDB out of
 *    reach: UnavailableError).
 */
export interface GameEventStore {
  /** Creates the tables / collections and indexes; safe to call again and from several instances. */
  init(): Promise<void>;
  /** Appends `events` as the next ones of the game at `expectedVersion` (see points 2–4). */
  append(gameId: string, expectedVersion: number, events: NewEvent[], commandId: string | null, options?: AppendOptions): Promise<AppendResult>;
  /** Events with ids above `after` (default 0), ascending, at most `limit` (default 1000, at most 10000). */
  read(gameId: string, options?: ReadOptions): Promise<StoredEvent[]>;
  /** Events whose timestamp is within [fromMs, toMs] (both inclusive), ascending by id, at most `limit`. */
  readByTime(gameId: string, fromMs: number, toMs: number, options?: { limit?: number }): Promise<StoredEvent[]>;
  /** The game's version: the id of its latest event, 0 when it has none (an unknown game). */
  version(gameId: string): Promise<number>;
  /** The seed's name for `version`. */
  latestId(gameId: string): Promise<number>;
  /** Whether the game has an event with this id (1..version). */
  exists(gameId: string, eventId: number): Promise<boolean>;
  /**
   * The first result of a command already applied to the game (as a
   * duplicate `append` of it would return, `duplicate: true`), or null when
   * the command id was never applied there. Lets a caller that refuses a
   * retried command find out first whether it was in fact applied.
   */
  findCommand(gameId: string, commandId: string): Promise<AppendResult | null>;
  /** Games, newest created first (ties: game id descending). */
  listGames(options?: ListGamesOptions): Promise<GameListing[]>;
  /** Keeps `state` as the game's snapshot at `version` (1..the game's version) unless a newer one is kept. */
  saveSnapshot(gameId: string, version: number, state: unknown): Promise<void>;
  /** The newest snapshot kept for the game, or null. */
  loadSnapshot(gameId: string): Promise<Snapshot | null>;
}

/** An event as the caller hands it to `append`. */
export interface NewEvent {
  /** The event's name, e.g. `CardPlayed`. */
  type: string;
  /** The seat (1-based) the event is about, or null for events of the game as a whole. */
  playerId: number | null;
  /** Any JSON value. */
  data: unknown;
}

/** An event as stored and read back. */
export interface StoredEvent {
  gameId: string;
  /** 1, 2, 3… per game. */
  eventId: number;
  type: string;
  playerId: number | null;
  /** Epoch ms, from the store's clock at the append. */
  timestamp: number;
  data: unknown;
  /** The command that produced it, when the append named one. */
  commandId: string | null;
}

export interface AppendOptions {
  /** The game as the directory should show it after this append. */
  summary?: GameSummary;
}

export interface AppendResult {
  /** The events this command stored (the first time), with their ids. */
  events: StoredEvent[];
  /** The game's version right after this command's events: the last one's id. */
  version: number;
  /** True when the command had been applied before and this call stored nothing. */
  duplicate: boolean;
}

export interface ReadOptions {
  after?: number;
  limit?: number;
}

export type GameStatus = "waiting" | "playing" | "finished";

export interface GameSummary {
  status: GameStatus;
  numPlayers: number;
  players: Array<{ playerId: number; name: string }>;
}

export interface GameListing {
  gameId: string;
  /** The summary fields are null until an append carries a summary. */
  status: GameStatus | null;
  numPlayers: number | null;
  players: Array<{ playerId: number; name: string }>;
  version: number;
  /** Epoch ms of the game's first event. */
  createdAt: number;
  /** Epoch ms of the game's latest append. */
  updatedAt: number;
}

export interface ListGamesOptions {
  status?: GameStatus;
  /** 1..500, default 50. */
  limit?: number;
  /** The game id of the previous page's last listing: continue after it. */
  after?: string;
}

export interface Snapshot {
  version: number;
  state: unknown;
}

/** Another append got there first: the game is not at the version the caller expected. */
export class ConcurrencyError extends GameJournalError {
  constructor(
    readonly gameId: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
    options?: { cause?: unknown },
  ) {
    super("CONFLICT", `game ${gameId}: expected version ${expectedVersion}, but it is at version ${actualVersion}`, options);
  }
}
