import { DEFAULT_NODE, toMatchId, type FrameEntryData } from "@gamejournal/shared";
import type { JournalEntry } from "../journal/journal.ts";
import { UnavailableError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { Clock } from "../platform/clock.ts";
import { emptyAggregate, endMatch, isEnded, type MatchAggregate } from "./aggregate.ts";
import type { MatchCheckpointStore } from "./checkpoint-store.ts";
import { applyEntries, frameOf } from "./entry.ts";
import type { MatchSummaryStore } from "./summary-store.ts";
import { toSummary } from "./summary.ts";

export interface SummarizerMetrics {
  setOpen(count: number): void;
  written(lagSeconds: number): void;
}

export interface SummarizerOptions {
  summaries: MatchSummaryStore;
  checkpoints: MatchCheckpointStore;
  clock: Clock;
  logger: Logger;
  /** A match with no entry for this long (wall clock) is ended and summarised (default 5 min). */
  inactivityMs?: number;
  metrics?: SummarizerMetrics;
  /**
   * The matches this summarizer folds (default: all). Entries of other
   * matches are skipped, and so are their checkpoints on `restore`: another
   * summarizer (another partition, see partition.ts) folds them.
   */
  owns?: (matchId: string) => boolean;
}

/** Folds of one batch in a row that find the checkpoint changed under them before the batch is retried later. */
const MAX_ATTEMPTS = 5;

interface Open {
  aggregate: MatchAggregate;
  /** Wall-clock time of the last entry folded in (or of the checkpoint, after a restart). */
  seenAt: number;
}

/**
 * The match summary worker's logic: folds each match's journal entries into
 * its running aggregate and writes the summary when the match ends.
 *
 * Exactly once, through crashes and outages:
 * 1. `handle` / `handleBatch` resolve only once the entries are covered durably: folded into
 *    a checkpoint that was saved, or into a summary that was stored. The
 *    consumer acknowledges the entry after that, so a crash before it
 *    redelivers the entry, and the fold skips entries a checkpoint already
 *    covers (per-stream positions), so nothing counts twice.
 * 2. A match's entries are handled one at a time (a lock per match), in
 *    each stream's id order (one consumer of the group, see the worker).
 * 3. A match ends by saving its ended aggregate as the checkpoint, then
 *    storing the summary, then deleting the checkpoint; the store is an
 *    idempotent upsert, so a crash in between stores the same summary again
 *    (from the redelivered ending entries, or from `restore`).
 * 4. A MongoDB outage makes `handle` reject with the driver's error; the
 *    worker retries the entry in place with backoff, skipping nothing.
 * 5. Once a match's summary is stored and its checkpoint gone, later
 *    entries of that match (trailing frames) change nothing.
 * 6. With `owns`, only the matches it owns are folded, restored and ended:
 *    summarizers owning disjoint sets of matches (partitions) never touch
 *    the same match, checkpoint or summary.
 * 7. Two summarizers folding one match (a lease holder paused past its TTL
 *    while another took over) neither lose nor double-count entries: every
 *    save, the ending one included, is a compare-and-set over the checkpoint
 *    the fold started from, and a save that finds another in between folds
 *    again onto that one (see `MatchCheckpointStore`, point 3).
 */
export class MatchSummarizer {
  private readonly open = new Map<string, Open>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly inactivityMs: number;
  private readonly owns: (matchId: string) => boolean;

  constructor(private readonly opts: SummarizerOptions) {
    if (!opts.summaries) throw new Error("new match summarizer: no summary store");
    if (!opts.checkpoints) throw new Error("new match summarizer: no checkpoint store");
    this.inactivityMs = opts.inactivityMs ?? 5 * 60_000;
    this.owns = opts.owns ?? (() => true);
  }

  /**
   * Loads the checkpoints of open matches, so their inactivity clock runs
   * from their last save, and summarises matches ended by a worker that
   * stopped before it deleted their checkpoint.
   */
  async restore(): Promise<number> {
    for (const { aggregate } of await this.opts.checkpoints.listEnded()) {
      if (this.owns(aggregate.match_id)) await this.exclusive(aggregate.match_id, () => this.summarise(aggregate));
    }
    const checkpoints = (await this.opts.checkpoints.listOpen()).filter((c) => this.owns(c.aggregate.match_id));
    for (const { aggregate, saved_at } of checkpoints) this.open.set(aggregate.match_id, { aggregate, seenAt: saved_at });
    this.opts.metrics?.setOpen(this.open.size);
    return checkpoints.length;
  }

  /** The worker's handler for one entry read from `stream`. */
  handle(stream: string, entry: JournalEntry): Promise<void> {
    return this.handleBatch(stream, [entry]);
  }

  /**
   * The worker's handler for a batch read from `stream` (in id order): each
   * match's entries are folded together and persisted once, a checkpoint or
   * the summary, so a busy stream costs one write per match per batch.
   */
  async handleBatch(stream: string, entries: readonly JournalEntry[]): Promise<void> {
    const byMatch = new Map<string, JournalEntry[]>();
    for (const entry of entries) {
      const matchId = matchIdOf(entry);
      if (!matchId || !this.owns(matchId)) continue;
      let list = byMatch.get(matchId);
      if (!list) byMatch.set(matchId, (list = []));
      list.push(entry);
    }
    await Promise.all([...byMatch].map(([matchId, list]) => this.exclusive(matchId, () => this.fold(matchId, stream, list))));
  }

  /**
   * Folds `entries` into the match's aggregate and saves it over the
   * checkpoint it started from (compare-and-set). When another summarizer
   * saved in between, loads its checkpoint and folds onto that instead.
   */
  private async fold(matchId: string, stream: string, entries: readonly JournalEntry[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const start = await this.start(matchId);
      if (!start) return; // summarised already: trailing entries
      const { aggregate, basis } = start;
      if (isEnded(aggregate)) return this.summarise(aggregate); // ended by a worker that stopped before its summary was stored
      // Entries after the end only move the positions on; the summary is that of the end.
      const next = applyEntries(aggregate, stream, entries);
      if (next === aggregate) return; // folded before these entries were redelivered
      if (await this.commit(next, basis)) return;
      if (attempt === MAX_ATTEMPTS) {
        throw new UnavailableError(`match ${matchId}: its checkpoint changed under each of ${MAX_ATTEMPTS} saves (another summarizer folds it); retrying`);
      }
    }
  }

  /** The aggregate to fold onto and the checkpoint it is (its entries; null: none stored), or null when the match is summarised. */
  private async start(matchId: string): Promise<{ aggregate: MatchAggregate; basis: number | null } | null> {
    const cached = this.open.get(matchId);
    if (cached) return { aggregate: cached.aggregate, basis: cached.aggregate.entries };
    const checkpoint = await this.opts.checkpoints.load(matchId);
    if (checkpoint) return { aggregate: checkpoint.aggregate, basis: checkpoint.aggregate.entries };
    if (await this.opts.summaries.get(matchId)) return null;
    return { aggregate: emptyAggregate(matchId), basis: null };
  }

  /** Saves `next` over the checkpoint `basis`, and summarises it if it ended; false when another save came first. */
  private async commit(next: MatchAggregate, basis: number | null): Promise<boolean> {
    const matchId = next.match_id;
    if (!(await this.opts.checkpoints.save(next, basis))) {
      this.open.delete(matchId); // what is stored folded entries this copy has not: load it
      this.opts.metrics?.setOpen(this.open.size);
      return false;
    }
    if (isEnded(next)) await this.summarise(next);
    else this.open.set(matchId, { aggregate: next, seenAt: this.opts.clock.now() });
    this.opts.metrics?.setOpen(this.open.size);
    return true;
  }

  /** Stores the summary of an ended match whose ended checkpoint is saved, then forgets the checkpoint (in that order). */
  private async summarise(aggregate: MatchAggregate): Promise<void> {
    const summary = toSummary(aggregate);
    await this.opts.summaries.store(summary);
    await this.opts.checkpoints.delete(aggregate.match_id);
    this.open.delete(aggregate.match_id);
    const endedAt = aggregate.ended?.at ?? this.opts.clock.now();
    this.opts.metrics?.written(Math.max(0, this.opts.clock.now() - endedAt) / 1000);
    this.opts.metrics?.setOpen(this.open.size);
    this.opts.logger.info({ match_id: aggregate.match_id, reason: aggregate.ended?.reason, players: summary.players.length }, "match summary stored");
  }

  /**
   * Ends and summarises every open match idle for longer than the inactivity
   * timeout; returns how many. A match whose checkpoint moved on since this
   * summarizer's copy (another folded it meanwhile) is not idle: its copy is
   * reloaded, with the inactivity clock from that save.
   */
  async endIdle(): Promise<number> {
    const cutoff = this.opts.clock.now() - this.inactivityMs;
    let ended = 0;
    for (const [matchId, { seenAt }] of [...this.open]) {
      if (seenAt > cutoff) continue;
      await this.exclusive(matchId, async () => {
        const current = this.open.get(matchId);
        if (!current || current.seenAt > cutoff) return;
        if (await this.commit(endMatch(current.aggregate, "inactivity"), current.aggregate.entries)) ended++;
        else await this.reload(matchId);
      });
    }
    return ended;
  }

  /** Holds the match's stored checkpoint in memory, its inactivity clock from its save (or forgets the match: none is open). */
  private async reload(matchId: string): Promise<void> {
    const checkpoint = await this.opts.checkpoints.load(matchId);
    if (checkpoint && !isEnded(checkpoint.aggregate)) this.open.set(matchId, { aggregate: checkpoint.aggregate, seenAt: checkpoint.saved_at });
    else this.open.delete(matchId);
    this.opts.metrics?.setOpen(this.open.size);
  }

  /**
   * Drops what this summarizer holds in memory (its lease was lost: another
   * instance now folds these matches, from their checkpoints).
   */
  forget(): void {
    this.open.clear();
    this.opts.metrics?.setOpen(0);
  }

  /** Matches in progress that this worker holds. */
  get openMatches(): number {
    return this.open.size;
  }

  /** Runs `task` after every earlier task of the same match. */
  private exclusive<T>(matchId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(matchId) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.catch(() => {});
    this.locks.set(matchId, settled);
    void settled.then(() => {
      if (this.locks.get(matchId) === settled) this.locks.delete(matchId);
    });
    return run;
  }
}

/** The match an entry belongs to: its `match_id`, else the one its frame's session and node make. */
export function matchIdOf(entry: JournalEntry): string | undefined {
  if (entry.match_id) return entry.match_id;
  const frame = frameOf(entry.data);
  if (!frame) return undefined;
  const node = (entry.data as Partial<FrameEntryData>).node;
  const session = frame.session.session_id ?? frame.session.sessionid;
  return session ? toMatchId(session, typeof node === "string" && node ? node : DEFAULT_NODE) : undefined;
}
