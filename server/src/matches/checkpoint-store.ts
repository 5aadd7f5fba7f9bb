import { GameJournalError } from "../errors.ts";
import { upgradeAggregate, type MatchAggregate } from "./aggregate-state.ts";

/**
 * Where the summary worker keeps the running aggregates of matches still in
 * progress, so that a restarted worker resumes instead of refolding.
 * Adapters: `checkpoint-store-mongo.ts` (collection `match_checkpoints`) and
 * `checkpoint-store-sqlite.ts`; both pass test/matches/stores.test.ts.
 *
 * What a checkpoint guarantees:
 *
 * 1. Atomic: a checkpoint is one document (one row) holding the aggregate
 *    and the journal positions it covers (`aggregate.positions`: per stream,
 *    the last entry folded in), written in one operation. A load returns an
 *    aggregate with exactly the positions it covers, never parts of two saves.
 * 2. Coverage: the aggregate includes every entry of the match up to its
 *    position on each stream, and nothing after it (given the fold's in-order
 *    delivery, see aggregate.ts). An entry after the position is NOT covered:
 *    the worker must not acknowledge it in its consumer group until a later
 *    save covers it (or the summary is stored).
 * 3. Monotonic: `save` never replaces a checkpoint that has folded more
 *    entries (`aggregate.entries`), so a slow or restarted worker cannot
 *    move a match backwards; it returns false instead. Saving an aggregate
 *    with as many entries again (the same fold) overwrites it harmlessly.
 *    Atomic against concurrent savers on MongoDB and SQLite; not on FerretDB
 *    1.x (see `MatchSummaryStore`, point 3), where one worker a match is
 *    what keeps it.
 * 4. Durable as the backend acknowledges writes: MongoDB's write concern;
 *    SQLite in WAL mode survives a crash of the process (`openSqlite`).
 * 5. Lossless: a loaded aggregate is equal to the saved one (JSON round trip),
 *    so folding on from it gives the summary folding on would have given.
 * 6. Not a summary: to end a match the worker stores its summary first and
 *    deletes the checkpoint after. A crash in between leaves the last open
 *    checkpoint; the ending entries, not yet acknowledged, are redelivered,
 *    end the match again, and the summary store (idempotent) takes the same
 *    summary once more.
 */
export interface MatchCheckpointStore {
  /** Creates the table / indexes; safe to call again and from several instances. */
  init(): Promise<void>;
  /** Saves the aggregate as its match's checkpoint, unless a stored one has folded more entries; returns whether it wrote. */
  save(aggregate: MatchAggregate): Promise<boolean>;
  /** The match's checkpoint, or null when none is kept. */
  load(matchId: string): Promise<MatchCheckpoint | null>;
  /** Forgets the match's checkpoint (no error when there is none). */
  delete(matchId: string): Promise<void>;
  /** Checkpoints of matches not ended, least recently saved first. */
  listOpen(): Promise<MatchCheckpoint[]>;
}

export interface MatchCheckpoint {
  aggregate: MatchAggregate;
  /**
   * Wall-clock time of the save (epoch ms, the store's clock). After a
   * restart, a match with no new entries since is idle at least since then:
   * the worker's inactivity timeout can start from it.
   */
  saved_at: number;
}

/** The aggregate a checkpoint's text holds (upgraded when an older build wrote it); refuses one written in a layout this build does not read. */
export function parseCheckpoint(matchId: string, text: string, savedAt: number): MatchCheckpoint {
  const aggregate = JSON.parse(text) as MatchAggregate;
  if (aggregate?.format !== 1 || aggregate.match_id !== matchId) {
    throw new GameJournalError("INTERNAL", `match checkpoint ${matchId}: layout ${String(aggregate?.format)} is not one this build reads (1)`);
  }
  return { aggregate: upgradeAggregate(aggregate), saved_at: savedAt };
}
