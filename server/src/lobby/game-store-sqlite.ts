import type { Database } from "bun:sqlite";
import type { GameRecord, GameRecordPage, GameStatus } from "@gamejournal/shared";
import { NotFoundError } from "../errors.ts";
import type { Clock } from "../platform/clock.ts";
import { ConflictError } from "./errors.ts";
import {
  iso,
  parseCreateGame,
  parseListOptions,
  parseMember,
  parseSnapshot,
  parseUpdateStatus,
  toPage,
  type CreateGameInput,
  type GameListOptions,
  type GameStore,
  type RuntimeSnapshotInput,
  type UpdateStatusInput,
} from "./game-store.ts";
import { toGameId } from "./ids.ts";

interface GameRow {
  game_id: string;
  name: string;
  owner_id: string | null;
  type: GameRecord["type"];
  min_players: number;
  max_players: number;
  status: GameStatus;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
  snapshot_turn: number | null;
  snapshot_status: string | null;
  snapshot_health: string | null;
  snapshot_at: number | null;
}

/**
 * `GameStore` on the embedded SQLite document database: one row a game in
 * `lobby_games` (status, times and runtime snapshot as columns), members in
 * `lobby_game_members`. Each write is one statement, so the status
 * compare-and-set is the UPDATE's `WHERE status = expectedFrom`.
 */
export class SqliteGameStore implements GameStore {
  private readonly clock: Clock;

  constructor(
    private readonly db: Database,
    { clock }: { clock: Clock },
  ) {
    if (!db) throw new Error("new sqlite game store: no database handle");
    if (!clock) throw new Error("new sqlite game store: no clock");
    this.clock = clock;
  }

  async init(): Promise<void> {
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS lobby_games (
        game_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        owner_id TEXT,
        type TEXT NOT NULL,
        min_players INTEGER NOT NULL,
        max_players INTEGER NOT NULL,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        snapshot_turn INTEGER,
        snapshot_status TEXT,
        snapshot_health TEXT,
        snapshot_at INTEGER
      );
      CREATE INDEX IF NOT EXISTS lobby_games_status ON lobby_games (status, game_id);
      CREATE TABLE IF NOT EXISTS lobby_game_members (
        game_id TEXT NOT NULL REFERENCES lobby_games (game_id),
        user_id TEXT NOT NULL,
        joined_at INTEGER NOT NULL,
        PRIMARY KEY (game_id, user_id)
      );
    `);
  }

  async create(input: CreateGameInput): Promise<GameRecord> {
    const game = parseCreateGame(input, this.clock);
    const { changes } = this.db
      .query(
        `INSERT INTO lobby_games (game_id, name, owner_id, type, min_players, max_players, status, created_at, updated_at)
         VALUES ($game_id, $name, $owner_id, $type, $min_players, $max_players, 'draft', $created_at, $created_at)
         ON CONFLICT (game_id) DO NOTHING`,
      )
      .run({ ...game });
    if (changes === 0) throw new ConflictError(`game ${game.game_id} already exists`);
    return (await this.get(game.game_id))!;
  }

  async get(gameId: string): Promise<GameRecord | null> {
    const row = this.db.query<GameRow, [string]>("SELECT * FROM lobby_games WHERE game_id = ?").get(toGameId(gameId));
    return row ? this.toRecord(row) : null;
  }

  async list(options?: GameListOptions): Promise<GameRecordPage> {
    const { status, after, limit } = parseListOptions(options);
    const rows = this.db
      .query<GameRow, [Record<string, string | number | null>]>(
        `SELECT * FROM lobby_games WHERE ($status IS NULL OR status = $status) AND game_id > $after ORDER BY game_id LIMIT $limit`,
      )
      .all({ status: status ?? null, after, limit: limit + 1 });
    return toPage(rows.map((row) => this.toRecord(row)), limit);
  }

  async addMember(gameId: string, userId: string, at: number): Promise<boolean> {
    const input = parseMember(gameId, userId, at);
    return this.unchangedAsFalse(() =>
      this.db.transaction((): boolean => {
        this.touch(input.gameId, input.at);
        const { changes } = this.db
          .query("INSERT INTO lobby_game_members (game_id, user_id, joined_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
          .run(input.gameId, input.userId, input.at);
        if (changes === 0) throw new Unchanged();
        return true;
      }).immediate(),
    );
  }

  async removeMember(gameId: string, userId: string, at: number): Promise<boolean> {
    const input = parseMember(gameId, userId, at);
    return this.unchangedAsFalse(() =>
      this.db.transaction((): boolean => {
        this.touch(input.gameId, input.at);
        const { changes } = this.db.query("DELETE FROM lobby_game_members WHERE game_id = ? AND user_id = ?").run(input.gameId, input.userId);
        if (changes === 0) throw new Unchanged();
        return true;
      }).immediate(),
    );
  }

  async updateStatus(input: UpdateStatusInput): Promise<void> {
    const { gameId, expectedFrom, to, at } = parseUpdateStatus(input);
    const { changes } = this.db
      .query(
        `UPDATE lobby_games SET status = $to, updated_at = max(updated_at, $at),
           started_at = CASE WHEN $to = 'running' THEN coalesce(started_at, $at) ELSE started_at END,
           finished_at = CASE WHEN $to = 'finished' THEN $at ELSE finished_at END
         WHERE game_id = $game_id AND status = $from`,
      )
      .run({ game_id: gameId, from: expectedFrom, to, at });
    if (changes > 0) return;
    const row = this.db.query<{ status: string }, [string]>("SELECT status FROM lobby_games WHERE game_id = ?").get(gameId);
    if (!row) throw new NotFoundError(`game ${gameId} not found`);
    throw new ConflictError(`game ${gameId} is ${row.status}, not ${expectedFrom}`);
  }

  async updateRuntimeSnapshot(gameId: string, snapshot: RuntimeSnapshotInput, at: number): Promise<void> {
    const input = parseSnapshot(gameId, snapshot, at);
    const { changes } = this.db
      .query(
        `UPDATE lobby_games SET snapshot_turn = $turn, snapshot_status = $status, snapshot_health = $health, snapshot_at = $at,
           updated_at = max(updated_at, $at)
         WHERE game_id = $game_id`,
      )
      .run({
        game_id: input.gameId,
        turn: input.snapshot.current_turn,
        status: input.snapshot.runtime_status,
        health: input.snapshot.engine_health_summary,
        at: input.at,
      });
    if (changes === 0) throw new NotFoundError(`game ${input.gameId} not found`);
  }

  /** Bumps the game's `updated_at`; NotFoundError when there is no such game. */
  private touch(gameId: string, at: number): void {
    const { changes } = this.db.query("UPDATE lobby_games SET updated_at = max(updated_at, ?) WHERE game_id = ?").run(at, gameId);
    if (changes === 0) throw new NotFoundError(`game ${gameId} not found`);
  }

  private unchangedAsFalse(write: () => boolean): boolean {
    try {
      return write();
    } catch (error) {
      if (error instanceof Unchanged) return false;
      throw error;
    }
  }

  private toRecord(row: GameRow): GameRecord {
    const members = this.db
      .query<{ user_id: string }, [string]>("SELECT user_id FROM lobby_game_members WHERE game_id = ? ORDER BY user_id")
      .all(row.game_id)
      .map((m) => m.user_id);
    return {
      game_id: row.game_id,
      name: row.name,
      owner_id: row.owner_id,
      type: row.type,
      min_players: row.min_players,
      max_players: row.max_players,
      status: row.status,
      runtime_snapshot:
        row.snapshot_at === null
          ? null
          : {
              current_turn: row.snapshot_turn ?? 0,
              runtime_status: row.snapshot_status ?? "",
              engine_health_summary: row.snapshot_health ?? "",
              updated_at: iso(row.snapshot_at),
            },
      members,
      created_at: iso(row.created_at),
      updated_at: iso(row.updated_at),
      started_at: row.started_at === null ? null : iso(row.started_at),
      finished_at: row.finished_at === null ? null : iso(row.finished_at),
    };
  }
}

/** Thrown inside a transaction to roll back a membership change that changed nothing (the `updated_at` bump). */
class Unchanged extends Error {}
