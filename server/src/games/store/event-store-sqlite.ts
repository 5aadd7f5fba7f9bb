import type { Database } from "bun:sqlite";
import { ValidationError } from "../../errors.ts";
import type { Clock } from "../../platform/clock.ts";
import {
  checkGameId,
  checkSnapshotVersion,
  parseAppend,
  parseCommandRef,
  parseEventRef,
  parseListGames,
  parseRead,
  parseSnapshot,
  parseTimeRange,
  type AppendInput,
} from "./event-store-input.ts";
import {
  ConcurrencyError,
  type AppendOptions,
  type AppendResult,
  type GameEventStore,
  type GameListing,
  type ListGamesOptions,
  type NewEvent,
  type ReadOptions,
  type Snapshot,
  type StoredEvent,
} from "./event-store.ts";

interface EventRow {
  game_id: string;
  event_id: number;
  type: string;
  player_id: number | null;
  timestamp: number;
  data: string;
  command_id: string | null;
}

interface DirectoryRow {
  game_id: string;
  status: GameListing["status"];
  num_players: number | null;
  players: string;
  version: number;
  created_at: number;
  updated_at: number;
}

const EVENT_COLUMNS = "game_id, event_id, type, player_id, timestamp, data, command_id";

/**
 * `GameEventStore` on the embedded SQLite document database (`openSqlite`:
 * WAL, a committed transaction survives a crash of the process). The
 * guarantees are the port's; here an append is one IMMEDIATE transaction
 * that checks the command and the version, inserts the events, the command
 * and the directory row, so every reader sees all of it or none, and two
 * connections (or processes) appending to one game are serialised by
 * SQLite's write lock. Tables: `game_events` (primary key (game_id,
 * event_id), indexes on (game_id, timestamp) and (game_id, type)),
 * `game_commands`, `game_directory`, `game_snapshots` (the newest only).
 */
export class SqliteGameEventStore implements GameEventStore {
  private readonly clock: Clock;

  constructor(
    private readonly db: Database,
    { clock }: { clock: Clock },
  ) {
    if (!db) throw new Error("new sqlite game event store: no database handle");
    if (!clock) throw new Error("new sqlite game event store: no clock");
    this.clock = clock;
  }

  async init(): Promise<void> {
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS game_events (
        game_id TEXT NOT NULL,
        event_id INTEGER NOT NULL,
        type TEXT NOT NULL,
        player_id INTEGER,
        timestamp INTEGER NOT NULL,
        data TEXT NOT NULL,
        command_id TEXT,
        PRIMARY KEY (game_id, event_id)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS game_events_timestamp ON game_events (game_id, timestamp);
      CREATE INDEX IF NOT EXISTS game_events_type ON game_events (game_id, type);
      CREATE TABLE IF NOT EXISTS game_commands (
        game_id TEXT NOT NULL,
        command_id TEXT NOT NULL,
        first_event_id INTEGER NOT NULL,
        last_event_id INTEGER NOT NULL,
        PRIMARY KEY (game_id, command_id)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS game_directory (
        game_id TEXT PRIMARY KEY,
        status TEXT,
        num_players INTEGER,
        players TEXT NOT NULL,
        version INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS game_directory_created_at ON game_directory (created_at DESC, game_id DESC);
      CREATE INDEX IF NOT EXISTS game_directory_status ON game_directory (status, created_at DESC, game_id DESC);
      CREATE TABLE IF NOT EXISTS game_snapshots (
        game_id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        state TEXT NOT NULL,
        saved_at INTEGER NOT NULL
      );
    `);
  }

  async append(gameId: string, expectedVersion: number, events: NewEvent[], commandId: string | null, options?: AppendOptions): Promise<AppendResult> {
    const input = parseAppend(gameId, expectedVersion, events, commandId, options?.summary);
    return this.db.transaction(() => this.appendInTransaction(input)).immediate();
  }

  async read(gameId: string, options?: ReadOptions): Promise<StoredEvent[]> {
    const { after, limit } = parseRead(gameId, options);
    const rows = this.db
      .query<EventRow, [string, number, number]>(`SELECT ${EVENT_COLUMNS} FROM game_events WHERE game_id = ? AND event_id > ? ORDER BY event_id LIMIT ?`)
      .all(gameId, after, limit);
    return rows.map(toStoredEvent);
  }

  async readByTime(gameId: string, fromMs: number, toMs: number, options?: { limit?: number }): Promise<StoredEvent[]> {
    const range = parseTimeRange(gameId, fromMs, toMs, options);
    const rows = this.db
      .query<EventRow, [string, number, number, number]>(
        `SELECT ${EVENT_COLUMNS} FROM game_events WHERE game_id = ? AND timestamp >= ? AND timestamp <= ? ORDER BY event_id LIMIT ?`,
      )
      .all(range.gameId, range.fromMs, range.toMs, range.limit);
    return rows.map(toStoredEvent);
  }

  async version(gameId: string): Promise<number> {
    return this.versionOf(checkGameId(gameId));
  }

  latestId(gameId: string): Promise<number> {
    return this.version(gameId);
  }

  async exists(gameId: string, eventId: number): Promise<boolean> {
    const ref = parseEventRef(gameId, eventId);
    return this.db.query("SELECT 1 FROM game_events WHERE game_id = ? AND event_id = ?").get(ref.gameId, ref.eventId) !== null;
  }

  async findCommand(gameId: string, commandId: string): Promise<AppendResult | null> {
    const ref = parseCommandRef(gameId, commandId);
    return this.applied(ref.gameId, ref.commandId);
  }

  async listGames(options?: ListGamesOptions): Promise<GameListing[]> {
    const { status, limit, after } = parseListGames(options);
    const where: string[] = [];
    const params: Record<string, string | number> = { limit };
    if (status !== undefined) {
      where.push("status = $status");
      params.status = status;
    }
    if (after !== undefined) {
      const from = this.db.query<{ created_at: number }, [string]>("SELECT created_at FROM game_directory WHERE game_id = ?").get(after);
      if (!from) throw new ValidationError(`after: no game ${after} is listed`, "after");
      where.push("(created_at < $after_at OR (created_at = $after_at AND game_id < $after_id))");
      Object.assign(params, { after_at: from.created_at, after_id: after });
    }
    const rows = this.db
      .query<DirectoryRow, [Record<string, string | number>]>(
        `SELECT * FROM game_directory ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY created_at DESC, game_id DESC LIMIT $limit`,
      )
      .all(params);
    return rows.map((row) => ({
      gameId: row.game_id,
      status: row.status,
      numPlayers: row.num_players,
      players: JSON.parse(row.players) as GameListing["players"],
      version: row.version,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
  }

  async saveSnapshot(gameId: string, version: number, state: unknown): Promise<void> {
    const snapshot = parseSnapshot(gameId, version, state);
    const save = this.db.transaction(() => {
      checkSnapshotVersion(snapshot.gameId, snapshot.version, this.versionOf(snapshot.gameId));
      this.db
        .query(
          `INSERT INTO game_snapshots (game_id, version, state, saved_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (game_id) DO UPDATE SET version = excluded.version, state = excluded.state, saved_at = excluded.saved_at
           WHERE excluded.version > game_snapshots.version`,
        )
        .run(snapshot.gameId, snapshot.version, snapshot.json, this.clock.now());
    });
    save.immediate();
  }

  async loadSnapshot(gameId: string): Promise<Snapshot | null> {
    const row = this.db.query<{ version: number; state: string }, [string]>("SELECT version, state FROM game_snapshots WHERE game_id = ?").get(checkGameId(gameId));
    return row ? { version: row.version, state: JSON.parse(row.state) as unknown } : null;
  }

  private appendInTransaction(input: AppendInput): AppendResult {
    const { gameId, expectedVersion, commandId, summary } = input;
    if (commandId !== null) {
      const applied = this.applied(gameId, commandId);
      if (applied) return applied;
    }
    const actual = this.versionOf(gameId);
    if (actual !== expectedVersion) throw new ConcurrencyError(gameId, expectedVersion, actual);
    const timestamp = this.clock.now();
    const insert = this.db.query(`INSERT INTO game_events (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    const rows = input.events.map((event, i): EventRow => {
      const row = { game_id: gameId, event_id: expectedVersion + 1 + i, type: event.type, player_id: event.playerId, timestamp, data: event.json, command_id: commandId };
      insert.run(row.game_id, row.event_id, row.type, row.player_id, row.timestamp, row.data, row.command_id);
      return row;
    });
    const version = expectedVersion + rows.length;
    if (commandId !== null) {
      this.db.query("INSERT INTO game_commands (game_id, command_id, first_event_id, last_event_id) VALUES (?, ?, ?, ?)").run(gameId, commandId, expectedVersion + 1, version);
    }
    this.db
      .query(
        `INSERT INTO game_directory (game_id, status, num_players, players, version, created_at, updated_at)
         VALUES ($game_id, $status, $num_players, $players, $version, $at, $at)
         ON CONFLICT (game_id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at,
           status = coalesce(excluded.status, status), num_players = coalesce(excluded.num_players, num_players),
           players = CASE WHEN excluded.status IS NULL THEN players ELSE excluded.players END`,
      )
      .run({
        game_id: gameId,
        status: summary?.status ?? null,
        num_players: summary?.numPlayers ?? null,
        players: JSON.stringify(summary?.players ?? []),
        version,
        at: timestamp,
      });
    return { events: rows.map(toStoredEvent), version, duplicate: false };
  }

  /** The first result of the command, when it was applied to the game. */
  private applied(gameId: string, commandId: string): AppendResult | null {
    const applied = this.db
      .query<{ first_event_id: number; last_event_id: number }, [string, string]>(
        "SELECT first_event_id, last_event_id FROM game_commands WHERE game_id = ? AND command_id = ?",
      )
      .get(gameId, commandId);
    if (!applied) return null;
    const rows = this.db
      .query<EventRow, [string, number, number]>(`SELECT ${EVENT_COLUMNS} FROM game_events WHERE game_id = ? AND event_id BETWEEN ? AND ? ORDER BY event_id`)
      .all(gameId, applied.first_event_id, applied.last_event_id);
    return { events: rows.map(toStoredEvent), version: applied.last_event_id, duplicate: true };
  }

  private versionOf(gameId: string): number {
    const row = this.db.query<{ version: number | null }, [string]>("SELECT max(event_id) AS version FROM game_events WHERE game_id = ?").get(gameId);
    return row?.version ?? 0;
  }
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    gameId: row.game_id,
    eventId: row.event_id,
    type: row.type,
    playerId: row.player_id,
    timestamp: row.timestamp,
    data: JSON.parse(row.data) as unknown,
    commandId: row.command_id,
  };
}
