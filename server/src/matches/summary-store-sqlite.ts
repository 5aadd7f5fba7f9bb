import type { Database } from "bun:sqlite";
import type { MatchSummary, MatchSummaryPage } from "@gamejournal/shared";
import { parseListOptions, parseSummary, toMillisIso, toPage, type MatchSummaryListOptions, type MatchSummaryStore } from "./summary-store.ts";

/**
 * `MatchSummaryStore` on the embedded SQLite document database. A summary is
 * one row of `match_summaries` (the summary as JSON, with its times as
 * epoch ms beside it for sorting); `match_summary_players` indexes it by
 * player. A store is one IMMEDIATE transaction, so readers never see a
 * summary without its player rows, and "newer wins" is a plain comparison.
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
    `);
  }

  async store(input: MatchSummary): Promise<boolean> {
    const summary = parseSummary(input);
    const updatedAt = Date.parse(summary.updated_at);
    const write = this.db.transaction((): boolean => {
      const stored = this.db
        .query<{ created_at: number; updated_at: number }, [string]>("SELECT created_at, updated_at FROM match_summaries WHERE match_id = ?")
        .get(summary.match_id);
      if (stored && stored.updated_at > updatedAt) return false;
      const createdAt = stored?.created_at ?? Date.parse(summary.created_at);
      const row = { ...summary, created_at: new Date(createdAt).toISOString(), updated_at: toMillisIso(summary.updated_at) };
      this.db
        .query(
          `INSERT INTO match_summaries (match_id, created_at, updated_at, summary) VALUES ($match_id, $created_at, $updated_at, $summary)
           ON CONFLICT (match_id) DO UPDATE SET updated_at = excluded.updated_at, summary = excluded.summary`,
        )
        .run({ match_id: summary.match_id, created_at: createdAt, updated_at: updatedAt, summary: JSON.stringify(row) });
      this.db.query("DELETE FROM match_summary_players WHERE match_id = ?").run(summary.match_id);
      const addPlayer = this.db.query("INSERT OR IGNORE INTO match_summary_players (player_id, match_id, created_at) VALUES (?, ?, ?)");
      for (const player of summary.players) addPlayer.run(player, summary.match_id, createdAt);
      return true;
    });
    return write.immediate();
  }

  async get(matchId: string): Promise<MatchSummary | null> {
    const row = this.db.query<{ summary: string }, [string]>("SELECT summary FROM match_summaries WHERE match_id = ?").get(matchId);
    return row ? (JSON.parse(row.summary) as MatchSummary) : null;
  }

  async list(options?: MatchSummaryListOptions): Promise<MatchSummaryPage> {
    const { playerId, from, to, limit, after } = parseListOptions(options);
    // With a player, walk that player's index rows (`k`) in order; else the summaries' own.
    const source = playerId === undefined ? "match_summaries k" : "match_summary_players k JOIN match_summaries s USING (match_id)";
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: limit + 1 };
    const condition = (sql: string, values: Record<string, string | number>) => {
      where.push(sql);
      Object.assign(params, values);
    };
    if (playerId !== undefined) condition("k.player_id = $player", { player: playerId });
    if (from !== undefined) condition("k.created_at >= $from", { from });
    if (to !== undefined) condition("k.created_at < $to", { to });
    if (after) {
      condition("(k.created_at < $after_at OR (k.created_at = $after_at AND k.match_id < $after_id))", { after_at: after.created_at, after_id: after.match_id });
    }
    const rows = this.db
      .query<{ summary: string }, [Record<string, string | number>]>(
        `SELECT ${playerId === undefined ? "k" : "s"}.summary FROM ${source}
         ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
         ORDER BY k.created_at DESC, k.match_id DESC LIMIT $limit`,
      )
      .all(params);
    return toPage(rows.map((r) => JSON.parse(r.summary) as MatchSummary), limit);
  }
}
