/**
 * A scripted Echo Arena match as a game client's local HTTP API reports it:
 * one `/session` answer per step, in the game's own JSON naming
 * (`sessionid`, `teams[].players[]` with `name`, `userid`, `playerid`...),
 * each step with the event types an agent should derive from it.
 */

export type Team = "blue" | "orange" | "spectator";
const STAT_NAMES = ["possession_time", "points", "saves", "goals", "stuns", "passes", "catches", "steals", "blocks", "interceptions", "assists", "shots_taken"] as const;
export type Stats = Record<(typeof STAT_NAMES)[number], number>;

export interface FakePlayer {
  name: string;
  userid: number;
  playerid: number;
  team: Team;
  possession: boolean;
  stats: Stats;
}

export interface MatchState {
  sessionid: string;
  match_type: string;
  game_status: string;
  game_clock: number;
  blue_points: number;
  orange_points: number;
  blue_round_score: number;
  orange_round_score: number;
  paused_state: string;
  last_score: { person_scored: string; assist_scored: string; point_amount: number; disc_speed: number; goal_type: string; team: string };
  players: FakePlayer[];
}

/** What `/session` answers at a step: a snapshot of the match, or an error between matches. */
export type StepAnswer = { status: number; body: Record<string, unknown> };

export interface ScriptStep {
  name: string;
  session: StepAnswer;
  bones: StepAnswer;
  /** The events an agent derives when it sees this step right after the previous one (types, in order). */
  events: string[];
}

const vec = (x = 0, y = 0, z = 0) => [x, y, z];
const body = () => ({ position: vec(), forward: vec(0, 0, 1), left: vec(1), up: vec(0, 1) });

/** The game's `/session` JSON for a state. */
export function sessionJson(state: MatchState): Record<string, unknown> {
  const member = (p: FakePlayer, i: number) => ({
    name: p.name,
    userid: p.userid,
    playerid: p.playerid,
    number: i,
    level: 30,
    ping: 20 + p.playerid * 7,
    packetlossratio: 0,
    stunned: false,
    invulnerable: false,
    blocking: false,
    possession: p.possession,
    holding_left: "none",
    holding_right: "none",
    is_emote_playing: false,
    velocity: vec(),
    head: body(),
    body: body(),
    lhand: { pos: vec(), forward: vec(), left: vec(), up: vec() },
    rhand: { pos: vec(), forward: vec(), left: vec(), up: vec() },
    stats: { ...p.stats },
  });
  const team = (name: string, side: Team) => {
    const players = state.players.filter((p) => p.team === side).map(member);
    return { team: name, possession: players.some((p) => p.possession), players, stats: {} };
  };
  const clock = Math.max(0, state.game_clock);
  return {
    sessionid: state.sessionid,
    sessionip: "10.0.0.7",
    match_type: state.match_type,
    map_name: "mpl_arena_a",
    private_match: false,
    tournament_match: false,
    client_name: "alice",
    game_status: state.game_status,
    game_clock: clock,
    game_clock_display: `${String(Math.floor(clock / 60)).padStart(2, "0")}:${(clock % 60).toFixed(2).padStart(5, "0")}`,
    total_round_count: 3,
    blue_points: state.blue_points,
    orange_points: state.orange_points,
    blue_round_score: state.blue_round_score,
    orange_round_score: state.orange_round_score,
    err_code: 0,
    disc: { position: vec(), forward: vec(0, 0, 1), left: vec(1), up: vec(0, 1), velocity: vec(), bounce_count: 0 },
    last_score: { ...state.last_score, distance_thrown: 4.2 },
    last_throw: { arm_speed: 0, total_speed: 0, off_axis_spin_deg: 0, wrist_throw_penalty: 0, rot_per_sec: 0 },
    pause: { paused_state: state.paused_state, unpaused_team: "none", paused_requested_team: "none", unpaused_timer: 0, paused_timer: 0 },
    possession: [],
    contested: false,
    teams: [team("BLUE TEAM", "blue"), team("ORANGE TEAM", "orange"), team("SPECTATORS", "spectator")],
  };
}

function bonesJson(state: MatchState): Record<string, unknown> {
  return {
    user_bones: state.players.map((p) => ({ playerid: p.playerid, bone_t: Array(69).fill(0.5), bone_o: Array(92).fill(0.25) })),
    err_code: 0,
  };
}

const zeroStats = (): Stats => Object.fromEntries(STAT_NAMES.map((s) => [s, 0])) as Stats;
const newPlayer = (name: string, userid: number, playerid: number, team: Team): FakePlayer => ({ name, userid, playerid, team, possession: false, stats: zeroStats() });

/** A match from the lobby to after post_match; `sessionid` picks the session uuid. */
export function defaultMatchScript(sessionid = "7c3a3c9e-5b1d-4f7e-9d8a-2f6b3e1c0a42"): ScriptStep[] {
  const noMatch = (err_code: number, status: number): StepAnswer => ({ status, body: { err_code, err_description: "not in a match" } });
  const steps: ScriptStep[] = [];
  const state: MatchState = {
    sessionid,
    match_type: "Echo_Arena",
    game_status: "pre_match",
    game_clock: 300,
    blue_points: 0,
    orange_points: 0,
    blue_round_score: 0,
    orange_round_score: 0,
    paused_state: "unpaused",
    last_score: { person_scored: "[INVALID]", assist_scored: "[INVALID]", point_amount: 0, disc_speed: 0, goal_type: "[NO GOAL]", team: "blue" },
    players: [newPlayer("alice", 1001, 0, "blue"), newPlayer("bob", 1002, 1, "orange")],
  };
  const who = (name: string) => state.players.find((p) => p.name === name)!;
  const snap = (name: string, events: string[], change: () => void) => {
    change();
    state.game_clock -= 7;
    const copy = structuredClone(state);
    steps.push({ name, events, session: { status: 200, body: sessionJson(copy) }, bones: { status: 200, body: bonesJson(copy) } });
  };
  const between = (name: string, answer: StepAnswer) => steps.push({ name, events: [], session: answer, bones: answer });

  between("in the lobby", noMatch(-6, 404));
  snap("pre_match with two players", ["player_joined", "player_joined"], () => {});
  snap("carol joins and the round starts", ["player_joined", "round_started"], () => {
    state.players.push(newPlayer("carol", 1003, 2, "blue"));
    state.game_status = "round_start";
  });
  snap("playing, nothing happens", [], () => (state.game_status = "playing"));
  snap("alice takes the disc", ["disc_possession_changed"], () => (who("alice").possession = true));
  snap("alice passes to carol", ["disc_possession_changed", "player_pass"], () => {
    who("alice").possession = false;
    who("alice").stats.passes++;
    who("carol").possession = true;
  });
  snap("carol scores, assisted by alice", ["disc_possession_changed", "player_assist", "player_goal", "player_shot_taken", "goal_scored", "scoreboard_updated"], () => {
    state.game_status = "score";
    who("carol").possession = false;
    Object.assign(who("carol").stats, { goals: 1, points: 2, shots_taken: 1 });
    who("alice").stats.assists++;
    state.blue_points = 2;
    state.last_score = { person_scored: "carol", assist_scored: "alice", point_amount: 2, disc_speed: 14.2, goal_type: "INSIDE SHOT", team: "blue" };
  });
  snap("dave joins orange", ["player_joined"], () => {
    state.game_status = "playing";
    state.players.push(newPlayer("dave", 1004, 3, "orange"));
  });
  snap("bob saves and stuns", ["player_save", "player_stun"], () => Object.assign(who("bob").stats, { saves: 1, stuns: 1 }));
  snap("paused", ["round_paused"], () => {
    state.game_status = "paused";
    state.paused_state = "paused";
  });
  snap("unpaused", ["round_unpaused"], () => {
    state.game_status = "playing";
    state.paused_state = "unpaused";
  });
  snap("bob leaves", ["player_left"], () => (state.players = state.players.filter((p) => p.name !== "bob")));
  snap("dave steals, blocks and intercepts", ["player_steal", "player_block", "player_interception"], () =>
    Object.assign(who("dave").stats, { steals: 1, blocks: 1, interceptions: 1 }),
  );
  snap("bob rejoins", ["player_joined"], () => state.players.push(newPlayer("bob", 1002, 1, "orange")));
  snap("carol switches to orange", ["player_switched_team"], () => (who("carol").team = "orange"));
  snap("round over, blue wins it", ["scoreboard_updated", "round_ended"], () => {
    state.game_status = "round_over";
    state.blue_round_score = 1;
  });
  snap("round 2 starts", ["round_started"], () => (state.game_status = "round_start"));
  snap("post_match", ["match_ended"], () => (state.game_status = "post_match"));
  between("back in the lobby", noMatch(-2, 200));
  return steps;
}
