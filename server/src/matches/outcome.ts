import type { MatchOutcome, Participant } from "@gamejournal/shared";
import type { MatchAggregate } from "./aggregate-state.ts";
import { teamKey } from "./identity.ts";
import { finalRoundScores } from "./rounds.ts";

/**
 * Who won. The fold notes two facts as it goes (mutating the aggregate it
 * is given): when play began, and the game's own verdict; `outcomeOf`
 * states the outcome from them, the goals, the rounds and the participants.
 */

/**
 * Play has begun at `at` unless it began earlier. Called for the first frame
 * whose `game_status` is past `pre_match` (and not `post_match`), a
 * `round_started` event, and a player action other than joining, leaving,
 * labelling or ending the match.
 */
export function observePlay(agg: MatchAggregate, at: number): void {
  if (agg.play_started_at === null || at < agg.play_started_at) agg.play_started_at = at;
}

/** A `match_ended` event's `winning_team`: the game's verdict when it names blue or orange. */
export function observeVerdict(agg: MatchAggregate, winningTeam: unknown): void {
  const team = teamKey(winningTeam);
  if (team === "blue" || team === "orange") agg.game_winner = team;
}

/**
 * The outcome, by the first rule that decides:
 * 1. `game`: the game's verdict (`match_ended.winning_team`);
 * 2. `forfeit`: when the match ended, players of one playing team were still
 *    there and every player of the other had abandoned it (it had players);
 * 3. `rounds`: more rounds won (`final_round_scores`);
 * 4. `points`: more points (`final_score`);
 * 5. `draw`.
 * `final_score` sums the goals' points per team; when no goal was seen (frames
 * without `last_score`), the players' points per round, by the team of each
 * round line.
 */
export function outcomeOf(agg: MatchAggregate, participants: readonly Participant[]): MatchOutcome {
  const final_score = finalScore(agg);
  const end_reason = agg.ended?.reason ?? null;
  const decided = (winner: MatchOutcome["winner"], decided_by: MatchOutcome["decided_by"]): MatchOutcome => ({ winner, decided_by, final_score, end_reason });
  if (agg.game_winner) return decided(agg.game_winner, "game");
  const forfeitWinner = forfeit(participants);
  if (forfeitWinner) return decided(forfeitWinner, "forfeit");
  const rounds = finalRoundScores(agg);
  const leader = lead(rounds.blue ?? 0, rounds.orange ?? 0);
  if (leader) return decided(leader, "rounds");
  const byPoints = lead(final_score.blue, final_score.orange);
  return byPoints ? decided(byPoints, "points") : decided("draw", "draw");
}

function finalScore(agg: MatchAggregate): { blue: number; orange: number } {
  const score = { blue: 0, orange: 0 };
  if (agg.goals.length > 0) {
    for (const goal of agg.goals) score[goal.team] += goal.points;
    return score;
  }
  for (const player of agg.roster) {
    for (const round of player.rounds) if (round.team === "blue" || round.team === "orange") score[round.team] += round.points;
  }
  return score;
}

function lead(blue: number, orange: number): "blue" | "orange" | null {
  return blue > orange ? "blue" : orange > blue ? "orange" : null;
}

/** The team that won by forfeit, if one did (rule 2 of `outcomeOf`); a participant's team is the one they were last on. */
function forfeit(participants: readonly Participant[]): "blue" | "orange" | null {
  const there = (team: string) => participants.some((p) => p.team === team && p.state === "present");
  const abandoned = (team: string) => participants.some((p) => p.team === team && p.state === "abandoned");
  if (there("blue") && !there("orange") && abandoned("orange")) return "blue";
  if (there("orange") && !there("blue") && abandoned("blue")) return "orange";
  return null;
}
