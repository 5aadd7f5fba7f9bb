import type { Database } from "bun:sqlite";
import type { SessionEvent } from "./session-event.ts";
import {
  checkPage,
  storableEvents,
  toPage,
  type LobbySessionInfo,
  type PageOptions,
  type SessionEventPage,
  type SessionEventStore,
} from "./session-event-store.ts";

/**
 * Session events in an embedded SQLite database (`openSqlite`), one row per
 * event in the table named like the MongoDB collection.
 *
 * - Idempotency: `id` is the primary key and writes are `INSERT OR IGNORE`
 *   in one transaction per `store` call.
 * - Times are stored as epoch milliseconds, the frame and event types as JSON text.
 * - Indexes `(lobby_session_id, timestamp, frame_index, id)` and
 *   `(match_id, timestamp, frame_index, id)` serve both the lookups and the
 *   frame order (they cover the seeds' single-field and `timestamp` indexes as prefixes).
 */
export class SqliteSessionEventStore implements SessionEventStore {
  private readonly table: string;

  constructor(
    private readonly db: Database,
    table = "session_events",
  ) {
    if (!db) throw new Error("new sqlite session event store: no database");
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new Error(`new sqlite session event store: bad table name "${table}"`);
    this.table = table;
  }

  async init(): Promise<void> {
    const t = this.table;
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${t} (
      id TEXT PRIMARY KEY,
      lobby_session_id TEXT NOT NULL,
      match_id TEXT NOT NULL,
      node TEXT NOT NULL,
      user_id TEXT NOT NULL,
      frame_index INTEGER NOT NULL,
      timestamp INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      event_types TEXT NOT NULL,
      frame TEXT NOT NULL
    )`);
    this.db.exec(`CREATE INDEX IF NOT EXISTS ${t}_lobby_order ON ${t} (lobby_session_id, timestamp, frame_index, id)`);
    this.db.exec(`CREATE INDEX IF NOT EXISTS ${t}_match_order ON ${t} (match_id, timestamp, frame_index, id)`);
  }

  async store(events: SessionEvent | readonly SessionEvent[]): Promise<{ stored: number }> {
    const list = storableEvents(events);
    const insert = this.db.query(
      `INSERT OR IGNORE INTO ${this.table}
       (id, lobby_session_id, match_id, node, user_id, frame_index, timestamp, created_at, updated_at, event_types, frame)
       VALUES ($id, $lobby_session_id, $match_id, $node, $user_id, $frame_index, $timestamp, $created_at, $updated_at, $event_types, $frame)`,
    );
    const insertAll = this.db.transaction((rows: readonly SessionEvent[]) => {
      let stored = 0;
      for (const e of rows) {
        stored += insert.run({
          id: e.id,
          lobby_session_id: e.lobby_session_id,
          match_id: e.match_id,
          node: e.node,
          user_id: e.user_id,
          frame_index: e.frame_index,
          timestamp: e.timestamp.getTime(),
          created_at: e.created_at.getTime(),
          updated_at: e.updated_at.getTime(),
          event_types: JSON.stringify(e.event_types),
          frame: JSON.stringify(e.frame),
        }).changes;
      }
      return stored;
    });
    return { stored: insertAll(list) };
  }

  byLobbySession(lobbySessionId: string, options?: PageOptions): Promise<SessionEventPage> {
    return this.page("lobby_session_id", lobbySessionId, options);
  }

  byMatch(matchId: string, options?: PageOptions): Promise<SessionEventPage> {
    return this.page("match_id", matchId, options);
  }

  async countByLobbySession(lobbySessionId: string): Promise<number> {
    return this.count("lobby_session_id", lobbySessionId);
  }

  async countByMatch(matchId: string): Promise<number> {
    return this.count("match_id", matchId);
  }

  async lobbySessionInfo(lobbySessionId: string): Promise<LobbySessionInfo | undefined> {
    const t = this.table;
    const row = this.db
      .query(
        `SELECT COUNT(*) AS count,
          (SELECT created_at FROM ${t} WHERE lobby_session_id = $id ORDER BY timestamp, frame_index, id LIMIT 1) AS created_at,
          (SELECT updated_at FROM ${t} WHERE lobby_session_id = $id ORDER BY timestamp DESC, frame_index DESC, id DESC LIMIT 1) AS updated_at
         FROM ${t} WHERE lobby_session_id = $id`,
      )
      .get({ id: lobbySessionId }) as { count: number; created_at: number | null; updated_at: number | null };
    if (row.count === 0) return undefined;
    return { lobby_session_id: lobbySessionId, count: row.count, created_at: new Date(row.created_at!), updated_at: new Date(row.updated_at!) };
  }

  private count(field: "lobby_session_id" | "match_id", value: string): number {
    const row = this.db.query(`SELECT COUNT(*) AS count FROM ${this.table} WHERE ${field} = $value`).get({ value }) as { count: number };
    return row.count;
  }

  private async page(field: "lobby_session_id" | "match_id", value: string, options?: PageOptions): Promise<SessionEventPage> {
    const { limit, offset, after } = checkPage(options);
    const rows = this.db
      .query(
        `SELECT * FROM ${this.table}
         WHERE ${field} = $value ${after ? "AND (timestamp, frame_index, id) > ($ts, $fi, $id)" : ""}
         ORDER BY timestamp, frame_index, id
         LIMIT $limit OFFSET $offset`,
      )
      .all({
        value,
        limit: limit === undefined ? -1 : limit + 1,
        offset,
        ...(after ? { ts: after.timestamp, fi: after.frame_index, id: after.id } : {}),
      }) as SessionEventRow[];
    return toPage(rows.map(fromRow), limit);
  }
}

/** A row: times in epoch ms, the frame and event types as JSON text. */
type SessionEventRow = Omit<SessionEvent, "timestamp" | "created_at" | "updated_at" | "event_types" | "frame"> & {
  timestamp: number;
  created_at: number;
  updated_at: number;
  event_types: string;
  frame: string;
};

function fromRow(row: SessionEventRow): SessionEvent {
  return {
    ...row,
    timestamp: new Date(row.timestamp),
    created_at: new Date(row.created_at),
    updated_at: new Date(row.updated_at),
    event_types: JSON.parse(row.event_types) as string[],
    frame: JSON.parse(row.frame) as Record<string, unknown>,
  };
}
