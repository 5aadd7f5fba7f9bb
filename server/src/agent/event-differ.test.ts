import { describe, expect, test } from "bun:test";
import { Role, type Session } from "../../../shared/src/frames.ts";
import { diffSnapshots } from "./event-differ.ts";

type Stats = Partial<Record<"points" | "goals" | "saves" | "stuns" | "passes" | "steals" | "blocks" | "interceptions" | "assists" | "shots_taken", number>>;
interface P {
  name: string;
  slot: number;
  account: number;
  stats?: Stats;
  possession?: boolean;
}

const player = ({ name, slot, account, stats = {}, possession = false }: P) => ({
  display_name: name,
  slot_number: slot,
  account_number: String(account),
  has_possession: possession,
  stats: { points: 0, goals: 0, saves: 0, stuns: 0, passes: 0, steals: 0, blocks: 0, interceptions: 0, assists: 0, shots_taken: 0, ...stats },
});

/** A proto-named `/session` snapshot. */
function snapshot(over: Record<string, unknown>, teams: { blue?: P[]; orange?: P[]; spectators?: P[] } = {}): Session {
  return {
    session_id: "0f4d7a52-3c59-4d2b-9a3e-8f8b0d3f6a11",
    game_status: "playing",
    game_clock_display: "04:59.00",
    blue_points: 0,
    orange_points: 0,
    blue_round_score: 0,
    orange_round_score: 0,
    pause: { paused_state: "unpaused" },
    last_score: { point_amount: 0, person_scored: "[INVALID]", goal_type: "[NO GOAL]" },
    teams: [
      { team_name: "BLUE TEAM", players: (teams.blue ?? []).map(player) },
      { team_name: "ORANGE TEAM", players: (teams.orange ?? []).map(player) },
      { team_name: "SPECTATORS", players: (teams.spectators ?? []).map(player) },
    ],
    ...over,
  } as Session;
}

const alice: P = { name: "alice", slot: 0, account: 1001 };
const bob: P = { name: "bob", slot: 1, account: 1002 };
const carol: P = { name: "carol", slot: 2, account: 1003 };
const types = (events: object[]) => events.map((e) => Object.keys(e)[0]);

describe("diffSnapshots", () => {
  test("the first snapshot reports who is there and a round under way, nothing else", () => {
    const first = snapshot({ blue_points: 3, last_score: { point_amount: 3, person_scored: "alice" } }, { blue: [alice], orange: [bob], spectators: [carol] });
    expect(diffSnapshots(undefined, first)).toEqual([
      { player_joined: { player: player(alice), role: Role.BLUE_TEAM } },
      { player_joined: { player: player(bob), role: Role.ORANGE_TEAM } },
      { player_joined: { player: player(carol), role: Role.SPECTATOR } },
      { round_started: { round_number: 1 } },
    ]);
    expect(diffSnapshots(undefined, snapshot({ game_status: "pre_match" }, { blue: [alice] }))).toEqual([
      { player_joined: { player: player(alice), role: Role.BLUE_TEAM } },
    ]);
  });

  test("two equal snapshots give no events", () => {
    const s = snapshot({}, { blue: [alice], orange: [bob] });
    expect(diffSnapshots(s, structuredClone(s))).toEqual([]);
  });

  test("players joining, leaving and switching team", () => {
    const before = snapshot({}, { blue: [alice, carol], orange: [] });
    const after = snapshot({}, { blue: [alice], orange: [carol, bob] });
    expect(diffSnapshots(before, after)).toEqual([
      { player_joined: { player: player(bob), role: Role.ORANGE_TEAM } },
      { player_switched_team: { player_slot: 2, new_role: Role.ORANGE_TEAM, prev_role: Role.BLUE_TEAM } },
    ]);
    expect(diffSnapshots(after, snapshot({}, { blue: [alice], orange: [carol] }))).toEqual([{ player_left: { player_slot: 1, display_name: "bob" } }]);
  });

  test("a player is known by account: a slot taken over by someone else is a leave and a join", () => {
    const before = snapshot({}, { blue: [alice], orange: [bob] });
    const reused = snapshot({}, { blue: [alice], orange: [{ ...carol, slot: 1 }] });
    expect(diffSnapshots(before, reused)).toEqual([
      { player_left: { player_slot: 1, display_name: "bob" } },
      { player_joined: { player: player({ ...carol, slot: 1 }), role: Role.ORANGE_TEAM } },
    ]);
    // The same account in another slot on the other team switched team.
    const moved = snapshot({}, { blue: [alice, { ...bob, slot: 4 }] });
    expect(diffSnapshots(before, moved)).toEqual([{ player_switched_team: { player_slot: 4, new_role: Role.BLUE_TEAM, prev_role: Role.ORANGE_TEAM } }]);
  });

  test("each stat increment is one event with the running total it reached; decreases give none", () => {
    const before = snapshot({}, { blue: [{ ...alice, stats: { passes: 1, saves: 4 } }] });
    const after = snapshot({}, {
      blue: [{ ...alice, stats: { passes: 3, saves: 2, stuns: 1, steals: 1, blocks: 1, interceptions: 1, assists: 1, shots_taken: 1 } }],
    });
    expect(diffSnapshots(before, after)).toEqual([
      { player_stun: { player_slot: 0, total_stuns: 1 } },
      { player_pass: { player_slot: 0, total_passes: 2 } },
      { player_pass: { player_slot: 0, total_passes: 3 } },
      { player_steal: { player_slot: 0, total_steals: 1 } },
      { player_block: { player_slot: 0, total_blocks: 1 } },
      { player_interception: { player_slot: 0, total_interceptions: 1 } },
      { player_assist: { player_slot: 0, total_assists: 1 } },
      { player_shot_taken: { player_slot: 0, total_shots: 1 } },
    ]);
  });

  test("a goal: the scorer's stats, goal_scored with the details, then the scoreboard", () => {
    const before = snapshot({}, { blue: [{ ...alice, possession: true, stats: { shots_taken: 1 } }], orange: [bob] });
    const lastScore = { point_amount: 3, person_scored: "alice", goal_type: "LONG SHOT", disc_speed: 12.5, team: "blue" };
    const after = snapshot(
      { game_status: "score", blue_points: 3, last_score: lastScore, game_clock_display: "03:12.00" },
      { blue: [{ ...alice, stats: { goals: 1, points: 3, shots_taken: 2 } }], orange: [bob] },
    );
    expect(diffSnapshots(before, after)).toEqual([
      { disc_possession_changed: { player_slot: -1, previous_player_slot: 0 } },
      { player_goal: { player_slot: 0, total_goals: 1, points: 3 } },
      { player_shot_taken: { player_slot: 0, total_shots: 2 } },
      { goal_scored: { score_details: lastScore } },
      { scoreboard_updated: { blue_points: 3, orange_points: 0, blue_round_score: 0, orange_round_score: 0, game_clock_display: "03:12.00" } },
    ]);
    // The same last goal seen again is not a new one.
    expect(diffSnapshots(after, snapshot({ game_status: "playing", blue_points: 3, last_score: { ...lastScore } }, { blue: [{ ...alice, stats: { goals: 1, points: 3, shots_taken: 2 } }], orange: [bob] }))).toEqual([]);
  });

  test("rounds: a goal or a pause does not start a round; round_over ends one; post_match ends the match", () => {
    const at = (game_status: string, over: Record<string, unknown> = {}) => snapshot({ game_status, ...over }, { blue: [alice], orange: [bob] });
    const steps = [
      at("pre_match"),
      at("round_start"),
      at("playing"),
      at("score", { blue_points: 2 }),
      at("playing", { blue_points: 2 }),
      at("paused", { blue_points: 2, pause: { paused_state: "paused", paused_requested_team: "blue" } }),
      at("playing", { blue_points: 2, pause: { paused_state: "unpaused" } }),
      at("round_over", { blue_points: 2, blue_round_score: 1 }),
      at("round_start", { blue_round_score: 1 }),
      at("playing", { blue_round_score: 1, orange_points: 2 }),
      at("post_match", { blue_round_score: 1, orange_round_score: 1, orange_points: 2 }),
    ];
    const seen = steps.slice(1).map((next, i) => diffSnapshots(steps[i], next));
    expect(seen.map(types)).toEqual([
      ["round_started"],
      [],
      ["scoreboard_updated"],
      [],
      ["round_paused"],
      ["round_unpaused"],
      ["scoreboard_updated", "round_ended"],
      ["round_started", "scoreboard_updated"],
      ["scoreboard_updated"],
      ["scoreboard_updated", "round_ended", "match_ended"],
    ]);
    expect(seen[0]).toEqual([{ round_started: { round_number: 1 } }]);
    expect(seen[4]).toEqual([{ round_paused: { pause_state: { paused_state: "paused", paused_requested_team: "blue" } } }]);
    expect(seen[6]!.at(-1)).toEqual({ round_ended: { round_number: 1, winning_team: Role.BLUE_TEAM } });
    expect(seen[7]![0]).toEqual({ round_started: { round_number: 2 } });
    expect(seen[9]!.slice(1)).toEqual([{ round_ended: { round_number: 2, winning_team: Role.ORANGE_TEAM } }, { match_ended: { winning_team: Role.ORANGE_TEAM } }]);
  });

  test("disc possession moving between players and to nobody", () => {
    const holding = (who: P | undefined) => snapshot({}, { blue: [{ ...alice, possession: who === alice }], orange: [{ ...bob, possession: who === bob }] });
    expect(diffSnapshots(holding(undefined), holding(alice))).toEqual([{ disc_possession_changed: { player_slot: 0, previous_player_slot: -1 } }]);
    expect(diffSnapshots(holding(alice), holding(bob))).toEqual([{ disc_possession_changed: { player_slot: 1, previous_player_slot: 0 } }]);
  });

  test("reads the game's own naming (name, userid, playerid, team, possession) as well", () => {
    const raw = (passes: number) =>
      ({
        sessionid: "0f4d7a52-3c59-4d2b-9a3e-8f8b0d3f6a11",
        game_status: "playing",
        teams: [{ team: "BLUE TEAM", players: [{ name: "alice", userid: 1001, playerid: 0, possession: passes > 0, stats: { passes } }] }],
      }) as unknown as Session;
    expect(diffSnapshots(raw(0), raw(1))).toEqual([
      { disc_possession_changed: { player_slot: 0, previous_player_slot: -1 } },
      { player_pass: { player_slot: 0, total_passes: 1 } },
    ]);
  });
});
