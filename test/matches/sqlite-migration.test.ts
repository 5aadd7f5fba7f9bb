import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqlite } from "../../server/src/backends/sqlite.ts";
import { SqliteMatchSummaryStore } from "../../server/src/matches/index.ts";
import { STANDARD_MATCH_SUMMARY } from "../support/match-script.ts";

test("a documents database made before the map filter gains its columns, filled from the stored labels", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gamejournal-migrate-"));
  const db = openSqlite(join(dir, "documents.db"));
  try {
    // The table as the first build made it, holding a summary of that time.
    db.exec(`CREATE TABLE match_summaries (match_id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, summary TEXT NOT NULL)`);
    const { goals: _g, participants: _p, outcome: _o, player_totals: _t, ...old } = STANDARD_MATCH_SUMMARY;
    db.query("INSERT INTO match_summaries VALUES (?, ?, ?, ?)").run(old.match_id, Date.parse(old.created_at), Date.parse(old.updated_at), JSON.stringify(old));
    const store = new SqliteMatchSummaryStore(db);
    await store.init();
    await store.init(); // again, as every start does
    expect((await store.list({ map: "mpl_arena_a", matchType: "Echo_Arena" })).items.map((s) => s.match_id)).toEqual([old.match_id]);
    expect(await store.get(old.match_id)).toEqual({ ...old, goals: [], participants: [], outcome: null, player_totals: [] });
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
