import {
  memberAccount,
  memberName,
  memberSlot,
  playersOf,
  Role,
  roleOfTeam,
  type FrameEvent,
  type RoleNumber,
  type Session,
  type TeamMember,
} from "../../../shared/src/frames.ts";

/**
 * The events of a frame, derived by comparing two consecutive `/session`
 * snapshots of one game session (as nevr-capture's sensors do, ported to a
 * pure function). Everything the game reports is cumulative (stats, scores)
 * or a state (game status, roster, pause, possession), so comparing the
 * previous snapshot with the next finds what happened in between:
 *
 * 1. `prev` undefined means `next` is the first snapshot of the session:
 *    only the state the recording starts in is reported, `player_joined`
 *    for everyone present and `round_started` if a round is under way.
 *    Every other event needs a previous snapshot.
 * 2. A player is identified by account number (`userid`), or by slot when
 *    there is none: a slot taken over by someone else between two polls is
 *    a leave and a join, while the same account in another slot is the same
 *    player (a team switch may move a player to another slot). Roles come
 *    from the team a player is on; events name a player by current slot.
 * 3. Stat increments of a player present in both snapshots give one event
 *    per unit (two passes between polls: two `player_pass`), each with the
 *    running total it reached. A stat that goes down (a reset) gives none.
 * 4. The game status is read as phases: `round_start`, `playing`, `score`,
 *    `paused` and `unpausing` are inside a round, so a goal or a pause does
 *    not start a new round; `round_over` ends one; `post_match` ends the match.
 * 5. Events come in a fixed order: roster, round start, pause, possession,
 *    stats, goal, scoreboard, round end, match end; players in slot order.
 *    The same pair of snapshots always gives the same list.
 */
export function diffSnapshots(prev: Session | undefined, next: Session): FrameEvent[] {
  const events: FrameEvent[] = [];
  const before = prev ? roster(prev) : new Map<string, Seat>();
  const after = roster(next);

  // Roster: left, joined, switched team.
  for (const seat of sortBySlot(before)) {
    if (!after.has(seat.key)) events.push({ player_left: { player_slot: seat.slot, display_name: memberName(seat.member) } });
  }
  for (const seat of sortBySlot(after)) {
    const earlier = before.get(seat.key);
    if (!earlier) events.push({ player_joined: { player: seat.member, role: seat.role } });
    else if (earlier.role !== seat.role) {
      events.push({ player_switched_team: { player_slot: seat.slot, new_role: seat.role, prev_role: earlier.role } });
    }
  }

  const status = next.game_status ?? "";
  const prevStatus = prev?.game_status ?? "";
  if (IN_ROUND.has(status) && (!prev || !IN_ROUND.has(prevStatus))) {
    events.push({ round_started: { round_number: roundsPlayed(next) + 1 } });
  }
  if (!prev) return events;

  const pause = pauseOf(next);
  const prevPause = pauseOf(prev);
  if (PAUSED.has(pause.state) && !PAUSED.has(prevPause.state)) events.push({ round_paused: { pause_state: pause.raw } });
  if (!PAUSED.has(pause.state) && PAUSED.has(prevPause.state)) events.push({ round_unpaused: { pause_state: pause.raw } });

  const holder = possessorSlot(after);
  const prevHolder = possessorSlot(before);
  if (holder !== prevHolder) events.push({ disc_possession_changed: { player_slot: holder, previous_player_slot: prevHolder } });

  for (const seat of sortBySlot(after)) {
    const earlier = before.get(seat.key);
    if (earlier) events.push(...statEvents(seat, earlier));
  }

  // The game keeps its last goal in `last_score` (zero points before the first one); a new goal changes it.
  const lastScore = objectAt(next, "last_score");
  if (lastScore && numberAt(lastScore, "point_amount") > 0 && !sameScore(lastScore, objectAt(prev, "last_score"))) events.push({ goal_scored: { score_details: lastScore } });

  const scores = scoreboard(next);
  const prevScores = scoreboard(prev);
  if (SCORE_FIELDS.some((field) => scores[field] !== prevScores[field])) {
    events.push({ scoreboard_updated: { ...scores, game_clock_display: String(next.game_clock_display ?? "") } });
  }

  const roundScoreChanged =
    scores.blue_round_score !== prevScores.blue_round_score || scores.orange_round_score !== prevScores.orange_round_score;
  if ((status === "round_over" && prevStatus !== "round_over") || (roundScoreChanged && IN_ROUND.has(prevStatus))) {
    events.push({
      round_ended: {
        round_number: roundsPlayed(prev) + 1,
        winning_team: leader(scores.blue_round_score - prevScores.blue_round_score, scores.orange_round_score - prevScores.orange_round_score),
      },
    });
  }
  if (status === "post_match" && prevStatus !== "post_match") {
    // The match goes to whoever won more rounds; with rounds level, to whoever has more points.
    const byRounds = leader(scores.blue_round_score, scores.orange_round_score);
    events.push({ match_ended: { winning_team: byRounds !== Role.UNSPECIFIED ? byRounds : leader(scores.blue_points, scores.orange_points) } });
  }
  return events;
}

const IN_ROUND = new Set(["round_start", "playing", "score", "paused", "unpausing"]);
const PAUSED = new Set(["paused", "paused_requested"]);
const SCORE_FIELDS = ["blue_points", "orange_points", "blue_round_score", "orange_round_score"] as const;

/** Stat → event type and the name of its running total (telemetry.proto). */
const STAT_EVENTS: ReadonlyArray<[stat: string, event: string, total: string]> = [
  ["goals", "player_goal", "total_goals"],
  ["saves", "player_save", "total_saves"],
  ["stuns", "player_stun", "total_stuns"],
  ["passes", "player_pass", "total_passes"],
  ["steals", "player_steal", "total_steals"],
  ["blocks", "player_block", "total_blocks"],
  ["interceptions", "player_interception", "total_interceptions"],
  ["assists", "player_assist", "total_assists"],
  ["shots_taken", "player_shot_taken", "total_shots"],
];

interface Seat {
  key: string;
  slot: number;
  role: RoleNumber;
  member: TeamMember;
}

function roster(session: Session): Map<string, Seat> {
  const seats = new Map<string, Seat>();
  for (const { member, team } of playersOf(session)) {
    const account = memberAccount(member);
    const slot = memberSlot(member);
    const key = account !== "" && account !== "0" ? `account:${account}` : `slot:${slot}`;
    if (!seats.has(key)) seats.set(key, { key, slot, role: roleOfTeam(team), member });
  }
  return seats;
}

const sortBySlot = (seats: Map<string, Seat>) => [...seats.values()].sort((a, b) => a.slot - b.slot || a.key.localeCompare(b.key));

function possessorSlot(seats: Map<string, Seat>): number {
  for (const seat of sortBySlot(seats)) {
    const member = seat.member as TeamMember & { has_possession?: unknown; possession?: unknown };
    if ((member.has_possession ?? member.possession) === true) return seat.slot;
  }
  return -1;
}

function statEvents(seat: Seat, earlier: Seat): FrameEvent[] {
  const stats = seat.member.stats ?? {};
  const prevStats = earlier.member.stats ?? {};
  const events: FrameEvent[] = [];
  for (const [stat, event, total] of STAT_EVENTS) {
    const from = numberAt(prevStats, stat);
    const to = numberAt(stats, stat);
    for (let reached = from + 1; reached <= to; reached++) {
      const payload: Record<string, unknown> = { player_slot: seat.slot, [total]: reached };
      if (event === "player_goal") {
        // The points a goal was worth, from the player's points; 2 (a standard goal) when that is unknown.
        const points = numberAt(stats, "points") - numberAt(prevStats, "points");
        payload.points = points > 0 ? Math.round(points / (to - from)) : 2;
      }
      events.push({ [event]: payload });
    }
  }
  return events;
}

function pauseOf(session: Session): { state: string; raw: Record<string, unknown> } {
  const raw = objectAt(session, "pause") ?? {};
  return { state: typeof raw.paused_state === "string" ? raw.paused_state : "", raw };
}

function scoreboard(session: Session) {
  return {
    blue_points: numberAt(session, "blue_points"),
    orange_points: numberAt(session, "orange_points"),
    blue_round_score: numberAt(session, "blue_round_score"),
    orange_round_score: numberAt(session, "orange_round_score"),
  };
}

const roundsPlayed = (session: Session) => numberAt(session, "blue_round_score") + numberAt(session, "orange_round_score");

function leader(blue: number, orange: number): RoleNumber {
  if (blue > orange) return Role.BLUE_TEAM;
  if (orange > blue) return Role.ORANGE_TEAM;
  return Role.UNSPECIFIED;
}

function sameScore(a: Record<string, unknown>, b: Record<string, unknown> | undefined): boolean {
  if (!b) return false;
  return ["person_scored", "assist_scored", "disc_speed", "distance_thrown", "point_amount", "team", "goal_type"].every((k) => a[k] === b[k]);
}

function numberAt(object: object, key: string): number {
  const value = (object as Record<string, unknown>)[key];
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

function objectAt(object: object, key: string): Record<string, unknown> | undefined {
  const value = (object as Record<string, unknown>)[key];
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
