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
 * 3. Compare-and-set: `save` writes only over the checkpoint the fold
 *    started from (`basis`: its `entries`; null: none was stored), and
 *    never over an ended one. A save that finds another in between (a
 *    summarizer that lost its lease during a pause and goes on with a stale
 *    copy) writes nothing and returns false: the saver loads the checkpoint
 *    again and folds its entries onto that, so neither loses the other's
 *    entries nor counts them twice. A lone saver's own saves always chain.
 *    Atomic against concurrent savers on MongoDB and SQLite; on FerretDB 1.x
 *    a filtered update is not applied atomically (see `MatchSummaryStore`,
 *    point 3), so there two saves at the same instant may both be taken;
 *    one after the other are told apart, which is the case a pause makes.
 * 4. Durable as the backend acknowledges writes: MongoDB's write concern;
 *    SQLite in WAL mode survives a crash of the process (`openSqlite`).
 * 5. Lossless: a loaded aggregate is equal to the saved one (JSON round trip),
 *    so folding on from it gives the summary folding on would have given.
 * 6. Not a summary: to end a match the worker saves the ended aggregate as
 *    its checkpoint (the compare-and-set of point 3 guards the end too),
 *    stores its summary, and deletes the checkpoint, in that order. A crash
 *    in between leaves an ended checkpoint (`listEnded`), whose summary the
 *    next worker stores (the summary store is idempotent) before it deletes it.
 */
export interface MatchCheckpointStore {
  /** Creates the table / indexes; safe to call again and from several instances. */
  init(): Promise<void>;
  /**
   * Saves the aggregate as its match's checkpoint if the stored one is still
   * the open checkpoint of `basis` entries (null: if none is stored); returns
   * whether it wrote. False: another save came first; load and fold again.
   */
  save(aggregate: MatchAggregate, basis: number | null): Promise<boolean>;
  /** The match's checkpoint, or null when none is kept. */
  load(matchId: string): Promise<MatchCheckpoint | null>;
  /** Forgets the match's checkpoint (no error when there is none). */
  delete(matchId: string): Promise<void>;
  /** Checkpoints of matches not ended, least recently saved first. */
  listOpen(): Promise<MatchCheckpoint[]>;
  /** Checkpoints of ended matches (a worker stopped between ending one and deleting its checkpoint), oldest first. */
  listEnded(): Promise<MatchCheckpoint[]>;
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
