import type { Goal, MatchPresence, MatchSummary } from "@gamejournal/shared";
import type { GoalState, MatchAggregate, PresenceState } from "./aggregate-state.ts";
import { outcomeOf } from "./outcome.ts";
import { participantsOf, playerTotalsOf } from "./participants.ts";
import { finalRoundScores } from "./rounds.ts";
import { iso } from "./values.ts";

/**
 * The `MatchSummary` an aggregate stands for. A pure function of the
 * aggregate: `created_at` is the time of the match's first event and
 * `updated_at` that of its end (or, while it goes on, of its latest event).
 * Before the match ends, `per_round_stats` holds the rounds completed so far,
 * open presences have `left_at: null`, participants still there are
 * `present` and `outcome.end_reason` is null.
 * The seed's fields keep their meaning; `goals`, `participants`, `outcome`
 * and `player_totals` are beside them (goals.ts, participants.ts, outcome.ts
 * state their rules).
 */
export function toSummary(agg: MatchAggregate): MatchSummary {
  const end = agg.ended?.at ?? agg.last_event_at ?? 0;
  const start = agg.started_at ?? end;
  const { ping } = agg;
  const per_round_stats = Object.fromEntries(
    agg.roster.filter((p) => p.rounds.length > 0 || agg.players.includes(p.player_id)).map((p) => [p.player_id, p.rounds.map((r) => ({ ...r }))]),
  );
  const participants = participantsOf(agg);
  return {
    match_id: agg.match_id,
    players: [...agg.players],
    per_round_stats,
    duration_seconds: Math.max(0, Math.round((end - start) / 1000)),
    min_ping: ping.count === 0 ? 0 : Math.round(ping.min),
    max_ping: ping.count === 0 ? 0 : Math.round(ping.max),
    avg_ping: ping.count === 0 ? 0 : Math.round((ping.sum / ping.count) * 100) / 100,
    final_round_scores: finalRoundScores(agg),
    evr_match_presences: agg.presences.map(toPresence),
    match_label: matchLabel(agg.labels),
    created_at: iso(start),
    updated_at: iso(end),
    goals: agg.goals.map(toGoal),
    participants,
    outcome: outcomeOf(agg, participants),
    player_totals: playerTotalsOf(agg, per_round_stats as unknown as Record<string, Array<Record<string, number | string>>>),
  };
}

/** The labels as a JSON object with its keys sorted, so equal labels give an equal string. */
export function matchLabel(labels: MatchAggregate["labels"]): string {
  return JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

function toPresence(p: PresenceState): MatchPresence {
  return {
    player_id: p.player_id,
    user_id: p.user_id,
    account_number: p.account_number,
    display_name: p.display_name,
    team: p.team,
    joined_at: iso(p.joined_at),
    left_at: p.left_at === null ? null : iso(p.left_at),
  };
}

function toGoal(goal: GoalState): Goal {
  return { ...goal, at: iso(goal.at) };
}
