import type { MatchAggregate } from "./aggregate-state.ts";
import { teamKey } from "./identity.ts";
import { closeRound } from "./roster.ts";

/**
 * Round boundaries. A round ends on a `round_ended` event or when the
 * scoreboard's round scores go up, whichever comes first; the other one then
 * names a round already closed and changes nothing.
 */

function positiveInt(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}

function score(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function total(scores: Record<string, number>): number {
  return Object.values(scores).reduce((sum, n) => sum + n, 0);
}

/**
 * Folds round scores as a scoreboard shows them (`session.*_round_score` or a
 * `scoreboard_updated` event). Scores that add up to more than before close
 * the round whose number is their new sum. The first scores seen on a match
 * already under way only set the round count (earlier rounds were not seen).
 */
export function observeScoreboard(agg: MatchAggregate, blue: unknown, orange: unknown): void {
  const seen: Record<string, number> = {};
  const b = score(blue);
  const o = score(orange);
  if (b !== undefined) seen.blue = b;
  if (o !== undefined) seen.orange = o;
  if (b === undefined && o === undefined) return;
  const before = agg.round_scores;
  const after = { ...before, ...seen };
  const rounds = total(after);
  if (before === null) {
    if (agg.round.closed === 0 && rounds > 0) agg.round = { current: rounds + 1, closed: rounds };
  } else if (rounds > total(before)) {
    closeRound(agg, rounds);
  }
  agg.round_scores = after;
}

/** A `round_ended` event: closes the round it names (else the open one) and remembers its winner. */
export function observeRoundEnded(agg: MatchAggregate, event: Record<string, unknown>): void {
  const round = positiveInt(event.round_number) ?? agg.round.current;
  const winner = teamKey(event.winning_team);
  if (winner !== "") agg.round_winners = { ...agg.round_winners, [String(round)]: winner };
  closeRound(agg, round);
}

/** A `round_started` event: the round it names becomes the open one, unless it has already ended. */
export function observeRoundStarted(agg: MatchAggregate, event: Record<string, unknown>): void {
  const round = positiveInt(event.round_number);
  if (round !== undefined && round > agg.round.closed) agg.round.current = round;
}

/** Round scores per team: the scoreboard's when one was seen, else wins counted from `round_ended` events. */
export function finalRoundScores(agg: MatchAggregate): Record<string, number> {
  if (agg.round_scores !== null) return { ...agg.round_scores };
  const wins: Record<string, number> = {};
  for (const team of Object.values(agg.round_winners)) wins[team] = (wins[team] ?? 0) + 1;
  return wins;
}
