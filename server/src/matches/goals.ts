import type { Frame } from "@gamejournal/shared";
import type { MatchAggregate } from "./aggregate-state.ts";
import { teamKey } from "./identity.ts";
import { isRecord } from "./values.ts";

/**
 * Goals. The game keeps its last goal in `session.last_score` and repeats it
 * in every frame until the next one; an agent adds a `goal_scored` event
 * (`score_details`: the same object) to the frame where it first changes.
 *
 * How a goal is identified:
 * 1. Its details are the seven fields the game reports: `team`,
 *    `person_scored`, `assist_scored`, `goal_type`, `point_amount`,
 *    `disc_speed`, `distance_thrown` (the fields the agent compares too).
 * 2. A goal is recorded when a frame's `goal_scored` event, or its
 *    `last_score`, shows details different from the last goal recorded. The
 *    same `last_score` seen in any number of later frames, and the event of
 *    the frame it first appears in, are that one goal.
 * 3. Details with no points (`point_amount` 0: the game's placeholder before
 *    the first goal) or without a blue/orange team are not a goal.
 * 4. Two goals in a row with identical details (same scorer, assist, type,
 *    points, speed and distance to the last decimal) count once: the game
 *    gives nothing else to tell them apart.
 * A goal's round is the round open when it was first seen (before any round
 * end the same frame announces), its time that frame's.
 */

const KEY_FIELDS = ["team", "person_scored", "assist_scored", "goal_type", "point_amount", "disc_speed", "distance_thrown"] as const;

/** Records the goals `frame` shows (its `goal_scored` events, then its `last_score`), at `at`. Mutates `agg`. */
export function observeGoals(agg: MatchAggregate, frame: Frame, at: number): void {
  for (const event of frame.events ?? []) {
    if (!isRecord(event) || !isRecord(event.goal_scored)) continue;
    observeGoal(agg, event.goal_scored.score_details ?? frame.session.last_score, frame, at);
  }
  observeGoal(agg, frame.session.last_score, frame, at);
}

function observeGoal(agg: MatchAggregate, details: unknown, frame: Frame, at: number): void {
  if (!isRecord(details)) return;
  const team = teamKey(details.team);
  const points = details.point_amount;
  if ((team !== "blue" && team !== "orange") || typeof points !== "number" || !Number.isFinite(points) || points <= 0) return;
  const key = JSON.stringify(KEY_FIELDS.map((field) => details[field] ?? null));
  if (key === agg.last_goal_key) return;
  agg.last_goal_key = key;
  const scorer = nameOf(details.person_scored);
  const assist = nameOf(details.assist_scored);
  const clock = frame.session.game_clock;
  agg.goals.push({
    round: agg.round.current,
    game_clock: typeof clock === "number" && Number.isFinite(clock) ? clock : null,
    at,
    team,
    scorer,
    scorer_id: playerNamed(agg, scorer),
    assist,
    assist_id: playerNamed(agg, assist),
    goal_type: typeof details.goal_type === "string" ? details.goal_type : "",
    points: Math.round(points),
    disc_speed: finite(details.disc_speed),
    distance: finite(details.distance_thrown),
  });
}

/** A display name from `last_score`; the game's placeholder `[INVALID]` (no assist) is "". */
function nameOf(value: unknown): string {
  return typeof value === "string" && value !== "[INVALID]" ? value : "";
}

function playerNamed(agg: MatchAggregate, name: string): string {
  return name === "" ? "" : (agg.roster.find((p) => p.display_name === name)?.player_id ?? "");
}

function finite(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}
