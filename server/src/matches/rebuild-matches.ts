import { PLAYER_ACTIONS_STREAM, RTAPI_STREAM, type MatchSummary, type RebuildProgress } from "@gamejournal/shared";
import type { Journal } from "../journal/journal.ts";
import type { Clock } from "../platform/clock.ts";
import { Draft, emptyAggregate, endMatch, isEnded, type MatchAggregate } from "./aggregate.ts";
import type { MatchCheckpointStore } from "./checkpoint-store.ts";
import { applyEntry } from "./entry.ts";
import { openScan } from "./rebuild-scan.ts";
import { matchIdOf } from "./summarizer.ts";
import type { MatchSummaryStore } from "./summary-store.ts";
import { toSummary } from "./summary.ts";

export interface RebuildMatchesDeps {
  journal: Journal;
  summaries: MatchSummaryStore;
  checkpoints: MatchCheckpointStore;
  clock: Clock;
}

export interface RebuildOptions {
  /** The first journal entry id to read (inclusive). */
  from?: string;
  /** Only this match. */
  matchId?: string;
  /** Told after each batch read. */
  onProgress?: (progress: RebuildProgress) => void;
  signal?: AbortSignal;
}

/** Attempts at a compare-and-set before giving a match up (each failure means another writer came first). */
const MAX_REPLACES = 5;

/**
 * Recomputes match summaries from the journal into fresh aggregates and
 * writes those that differ from what is stored. Safe while the server runs:
 *
 * 1. It reads `events:rtapi` and `events:player_actions` directly (see
 *    rebuild-scan.ts), merged in id order, up to their last entries at the
 *    start; the live worker's consumer group, lease and checkpoints are
 *    never touched, so it goes on as if nothing happened.
 * 2. Each match is folded from an empty aggregate (never from a checkpoint)
 *    with the same pure fold the live worker uses, so the result is the
 *    summary a clean, single pass over the journal gives.
 * 3. Which summaries it writes, once a match's fold is complete:
 *    - a match whose journal has no end yet is left alone (`skipped.open`),
 *      unless the stored summary says the live worker ended it for
 *      inactivity at the fold's last event: then it is ended the same way.
 *      A stored summary that ends later, or for another reason, saw entries
 *      appended after the scan's horizon (the match ended meanwhile): it is
 *      left alone too, so a rebuild never replaces a summary with one folded
 *      from less of the match;
 *    - a match the live worker holds open (it has a checkpoint) is left to
 *      it (`skipped.open`): the worker writes its summary when it ends;
 *    - when the read is not whole (`--from`/`--since`, or a trimmed
 *      journal), a summary is only replaced when the stored one does not
 *      start before the entries read (else `skipped.partial`: a fold of part
 *      of a match would be wrong), and a missing one is not created;
 *    - a stored summary equal to the rebuilt one is counted `unchanged`;
 *      any other is replaced whole (`changed`), as is a missing one created.
 * 4. Every write is the store's `replace`, a compare-and-set on the summary
 *    it read: if the live worker (or another rebuild) writes the match in
 *    between, the write does not happen; the summary is read again and the
 *    decision made again. No summary is overwritten by two writers at once,
 *    and writing the same rebuilt summary again changes nothing
 *    (idempotent: a second rebuild reports everything unchanged).
 */
export async function rebuildMatches(deps: RebuildMatchesDeps, options: RebuildOptions = {}): Promise<RebuildProgress> {
  const { summaries, checkpoints } = deps;
  await summaries.init();
  await checkpoints.init();
  const scan = await openScan({ journal: deps.journal, streams: [RTAPI_STREAM, PLAYER_ACTIONS_STREAM], clock: deps.clock, ...(options.from ? { from: options.from } : {}), ...(options.signal ? { signal: options.signal } : {}) });
  const counts = { matches: 0, changed: 0, unchanged: 0, skipped: { open: 0, partial: 0 } };
  const progress = (): RebuildProgress => ({ ...scan.progress(), ...counts, skipped: { ...counts.skipped } });
  const open = new Map<string, MatchAggregate>();
  const done = new Set<string>();

  const settle = async (aggregate: MatchAggregate): Promise<void> => {
    const stored = await summaries.get(aggregate.match_id);
    if (!isEnded(aggregate)) {
      if (!stored || !endedIdleAt(stored, aggregate)) return void counts.skipped.open++;
      aggregate = endMatch(aggregate, "inactivity");
    }
    const outcome = await write(toSummary(aggregate), stored);
    if (outcome === "open" || outcome === "partial") counts.skipped[outcome]++;
    else counts[outcome]++;
  };

  const write = async (summary: MatchSummary, stored: MatchSummary | null): Promise<"changed" | "unchanged" | "open" | "partial"> => {
    if (await checkpoints.load(summary.match_id)) return "open";
    for (let attempt = 0; attempt < MAX_REPLACES; attempt++) {
      if (!scan.whole && (!stored || Date.parse(stored.created_at) < Date.parse(summary.created_at))) return "partial";
      if (stored && Bun.deepEquals(stored, summary)) return "unchanged";
      if (await summaries.replace(summary, stored?.updated_at ?? null)) return "changed";
      stored = await summaries.get(summary.match_id);
    }
    throw new Error(`rebuild: match ${summary.match_id} kept changing under the rebuild (${MAX_REPLACES} attempts); run it again`);
  };

  for await (const batch of scan.batches()) {
    const drafts = new Map<string, Draft>();
    const ended: MatchAggregate[] = [];
    for (const { stream, entry } of batch) {
      const matchId = matchIdOf(entry);
      if (!matchId || done.has(matchId) || (options.matchId !== undefined && matchId !== options.matchId)) continue;
      let aggregate = open.get(matchId);
      if (!aggregate) {
        aggregate = emptyAggregate(matchId);
        counts.matches++;
      }
      let draft = drafts.get(matchId);
      if (!draft) drafts.set(matchId, (draft = new Draft()));
      const next = applyEntry(aggregate, stream, entry, draft);
      if (isEnded(next)) {
        open.delete(matchId);
        done.add(matchId);
        ended.push(next);
      } else {
        open.set(matchId, next);
      }
    }
    for (const aggregate of ended) await settle(aggregate);
    options.onProgress?.(progress());
  }
  for (const aggregate of open.values()) await settle(aggregate);
  return progress();
}

/** Whether `stored` is the live worker's inactivity end of the match as far as `aggregate` folded it (not an end the scan did not reach). */
function endedIdleAt(stored: MatchSummary, aggregate: MatchAggregate): boolean {
  return stored.outcome?.end_reason === "inactivity" && aggregate.last_event_at !== null && Date.parse(stored.updated_at) <= aggregate.last_event_at;
}
