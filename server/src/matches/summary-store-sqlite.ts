import type { Database } from "bun:sqlite";
import type { AbandonCountList, MatchSummary, MatchSummaryPage, PlayerMatchPage } from "@gamejournal/shared";
import { labelKeys, withRound2Defaults } from "./summary-lines.ts";
import {
  parseAbandonOptions,
  parseListOptions,
  parseSummary,
  playerMatchesOf,
  rankAbandons,
  toMillisIso,
  toPage,
  type AbandonCountOptions,
  type MatchSummaryListOptions,
  type MatchSummaryStore,
} from "./summary-store.ts";

/**
 * `MatchSummaryStore` on the embedded SQLite document database. A summary is
 * one row of `match_summaries` (the summary as JSON, with its times as
 * epoch ms, its map and match type beside it for sorting and filtering);
 * `match_summary_players` indexes it by player and
 * `match_summary_participants` by participant state (abandon counts). A write
 * is one IMMEDIATE transaction, so readers never see a summary without its
 * index rows, and "newer wins" and `replace`'s compare-and-set are plain
 * comparisons inside it.
 */
export class SqliteMatchSummaryStore implements MatchSummaryStore {
  constructor(private readonly db: Database) {
    if (!db) throw new Error("new sqlite match summary store: no database handle");
  }

  async init(): Promise<void> {
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS match_summaries (
        match_id TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        summary TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS match_summaries_created_at ON match_summaries (created_at DESC, match_id DESC);
      CREATE TABLE IF NOT EXISTS match_summary_players (
        player_id TEXT NOT NULL,
        match_id TEXT NOT NULL REFERENCES match_summaries (match_id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (player_id, match_id)
      );
      CREATE INDEX IF NOT EXISTS match_summary_players_created_at ON match_summary_players (player_id, created_at DESC, match_id DESC);
      CREATE TABLE IF NOT EXISTS match_summary_participants (
        match_id TEXT NOT NULL REFERENCES match_summaries (match_id) ON DELETE CASCADE,
        player_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        state TEXT NOT NULL,
        display_name TEXT NOT NULL,
        PRIMARY KEY (match_id, player_id)
      );
      CREATE INDEX IF NOT EXISTS match_summary_participants_state ON match_summary_participants (state, created_at);
      CREATE INDEX IF NOT EXISTS match_summary_participants_player ON match_summary_participants (player_id, created_at);
    `);
    // Databases made before the map and match type filters: add the columns and fill them from each summary's label.
    const columns = this.db.query<{ name: string }, []>("PRAGMA table_info(match_summaries)").all().map((c) => c.name);
    if (!columns.includes("map_name")) {
      this.db.transaction(() => {
        this.db.exec(`ALTER TABLE match_summaries ADD COLUMN map_name TEXT NOT NULL DEFAULT ''`);
        this.db.exec(`ALTER TABLE match_summaries ADD COLUMN match_type TEXT NOT NULL DEFAULT ''`);
        const set = this.db.query("UPDATE match_summaries SET map_name = ?, match_type = ? WHERE match_id = ?");
        for (const row of this.db.query<{ match_id: string; summary: string }, []>("SELECT match_id, summary FROM match_summaries").all()) {
          const { map_name, match_type } = labelKeys((JSON.parse(row.summary) as MatchSummary).match_label);
          set.run(map_name, match_type, row.match_id);
        }
      }).immediate();
    }
    this.db.exec(`
      CREATE INDEX IF NOT EXISTS match_summaries_map ON match_summaries (map_name, created_at DESC, match_id DESC);
      CREATE INDEX IF NOT EXISTS match_summaries_match_type ON match_summaries (match_type, created_at DESC, match_id DESC);
    `);
  }

  async store(input: MatchSummary): Promise<boolean> {
    const summary = parseSummary(input);
    const updatedAt = Date.parse(summary.updated_at);
    const write = this.db.transaction((): boolean => {
      const stored = this.stored(summary.match_id);
      if (stored && stored.updated_at > updatedAt) return false;
      this.write(summary, stored?.created_at ?? Date.parse(summary.created_at));
      return true;
    });
    return write.immediate();
  }

  async replace(input: MatchSummary, expected: string | null): Promise<boolean> {
    const summary = parseSummary(input);
    const write = this.db.transaction((): boolean => {
      const stored = this.stored(summary.match_id);
      if (expected === null ? stored !== null : stored?.updated_at !== Date.parse(expected)) return false;
      this.write(summary, Date.parse(summary.created_at));
      return true;
    });
    return write.immediate();
  }

  private stored(matchId: string): { created_at: number; updated_at: number } | null {
    return this.db.query<{ created_at: number; updated_at: number }, [string]>("SELECT created_at, updated_at FROM match_summaries WHERE match_id = ?").get(matchId);
  }

  /** Writes the row and its index rows; inside the caller's transaction. */
  private write(summary: MatchSummary, createdAt: number): void {
    const row = { ...summary, created_at: new Date(createdAt).toISOString(), updated_at: toMillisIso(summary.updated_at) };
    const { map_name, match_type } = labelKeys(summary.match_label);
    this.db
      .query(
        `INSERT INTO match_summaries (match_id, created_at, updated_at, summary, map_name, match_type)
         VALUES ($match_id, $created_at, $updated_at, $summary, $map_name, $match_type)
         ON CONFLICT (match_id) DO UPDATE SET created_at = excluded.created_at, updated_at = excluded.updated_at, summary = excluded.summary,
           map_name = excluded.map_name, match_type = excluded.match_type`,
      )
      .run({ match_id: summary.match_id, created_at: createdAt, updated_at: Date.parse(summary.updated_at), summary: JSON.stringify(row), map_name, match_type });
    this.db.query("DELETE FROM match_summary_players WHERE match_id = ?").run(summary.match_id);
    const addPlayer = this.db.query("INSERT OR IGNORE INTO match_summary_players (player_id, match_id, created_at) VALUES (?, ?, ?)");
    for (const player of summary.players) addPlayer.run(player, summary.match_id, createdAt);
    this.db.query("DELETE FROM match_summary_participants WHERE match_id = ?").run(summary.match_id);
    const addParticipant = this.db.query("INSERT OR IGNORE INTO match_summary_participants (match_id, player_id, created_at, state, display_name) VALUES (?, ?, ?, ?, ?)");
    for (const p of summary.participants) addParticipant.run(summary.match_id, p.player_id, createdAt, p.state, p.display_name);
  }

  async get(matchId: string): Promise<MatchSummary | null> {
    const row = this.db.query<{ summary: string }, [string]>("SELECT summary FROM match_summaries WHERE match_id = ?").get(matchId);
    return row ? withRound2Defaults(JSON.parse(row.summary) as MatchSummary) : null;
  }

  async list(options?: MatchSummaryListOptions): Promise<MatchSummaryPage> {
    const { playerId, map, matchType, from, to, limit, after } = parseListOptions(options);
    // With a player, walk that player's index rows (`k`) in order; else the summaries' own.
    const k = playerId === undefined ? "s" : "k";
    const source = playerId === undefined ? "match_summaries s" : "match_summary_players k JOIN match_summaries s USING (match_id)";
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: limit + 1 };
    const condition = (sql: string, values: Record<string, string | number>) => {
      where.push(sql);
      Object.assign(params, values);
    };
    if (playerId !== undefined) condition("k.player_id = $player", { player: playerId });
    if (map !== undefined) condition("s.map_name = $map", { map });
    if (matchType !== undefined) condition("s.match_type = $match_type", { match_type: matchType });
    if (from !== undefined) condition(`${k}.created_at >= $from`, { from });
    if (to !== undefined) condition(`${k}.created_at < $to`, { to });
    if (after) {
      condition(`(${k}.created_at < $after_at OR (${k}.created_at = $after_at AND ${k}.match_id < $after_id))`, { after_at: after.created_at, after_id: after.match_id });
    }
    const rows = this.db
      .query<{ summary: string }, [Record<string, string | number>]>(
        `SELECT s.summary FROM ${source}
         ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
         ORDER BY ${k}.created_at DESC, ${k}.match_id DESC LIMIT $limit`,
      )
      .all(params);
    return toPage(
      rows.map((r) => withRound2Defaults(JSON.parse(r.summary) as MatchSummary)),
      limit,
    );
  }

  playerMatches(playerId: string, options?: Omit<MatchSummaryListOptions, "playerId">): Promise<PlayerMatchPage> {
    return playerMatchesOf(this, playerId, options);
  }

  async abandonCounts(options?: AbandonCountOptions): Promise<AbandonCountList> {
    const { playerId, from, to, limit } = parseAbandonOptions(options);
    const params: Record<string, string | number> = { from, to };
    if (playerId !== undefined) params.player = playerId;
    // One player: every participation row (so a player with none abandoned is still listed); else abandons only.
    const rows = this.db
      .query<{ player_id: string; abandoned: number; abandoned_as: string | null; any_name: string }, [Record<string, string | number>]>(
        `SELECT player_id, SUM(state = 'abandoned') AS abandoned,
                MAX(CASE WHEN state = 'abandoned' THEN display_name END) AS abandoned_as, MAX(display_name) AS any_name
         FROM match_summary_participants
         WHERE created_at >= $from AND created_at < $to AND ${playerId === undefined ? "state = 'abandoned'" : "player_id = $player"}
         GROUP BY player_id`,
      )
      .all(params);
    const count = this.db.query<{ n: number }, [string, number, number]>(
      "SELECT COUNT(*) AS n FROM match_summary_players WHERE player_id = ? AND created_at >= ? AND created_at < ?",
    );
    const items = rows.map((r) => ({ player_id: r.player_id, display_name: r.abandoned_as ?? r.any_name, abandoned: r.abandoned, matches: 0 }));
    if (playerId !== undefined && items.length === 0) items.push({ player_id: playerId, display_name: "", abandoned: 0, matches: 0 });
    const ranked = rankAbandons(items, limit);
    for (const item of ranked.items) item.matches = count.get(item.player_id, from, to)?.n ?? 0;
    return ranked;
  }
}
