import { z } from "zod";

/**
 * Telemetry frames (`LobbySessionStateFrame`, see shared/FRAMES.md) and the
 * `/v3/stream` message forms that carry them.
 *
 * Clients send protobuf-JSON with either lowerCamelCase or proto
 * (snake_case) names, and the game's own `/session` JSON uses yet other
 * names (`sessionid`, `userid`, `playerid`). Ingest normalises every key to
 * snake_case once (`normalizeKeys`), validates the fields it relies on, keeps
 * every other field as received, and the accessors below read whichever
 * spelling of a field the sender used.
 */

/** The event keys a `LobbySessionEvent` may carry, one per event (proto field names). */
export const FRAME_EVENT_TYPES = [
  "round_started",
  "round_paused",
  "round_unpaused",
  "round_ended",
  "match_ended",
  "scoreboard_updated",
  "player_joined",
  "player_left",
  "player_switched_team",
  "emote_played",
  "disc_possession_changed",
  "disc_thrown",
  "disc_caught",
  "goal_scored",
  "player_goal",
  "player_save",
  "player_stun",
  "player_pass",
  "player_steal",
  "player_block",
  "player_interception",
  "player_assist",
  "player_shot_taken",
] as const;
export type FrameEventType = (typeof FRAME_EVENT_TYPES)[number];

/** Team roles, by their proto enum numbers (enums travel as numbers). */
export const Role = {
  UNSPECIFIED: 0,
  BLUE_TEAM: 1,
  ORANGE_TEAM: 2,
  SPECTATOR: 3,
  SOCIAL_PARTICIPANT: 4,
  MODERATOR: 5,
} as const;
export type RoleNumber = (typeof Role)[keyof typeof Role];

/** `frameIndex` → `frame_index`, `sessionID` → `session_id`, `TacMod` → `tac_mod`; snake_case stays. */
export function toSnakeCase(key: string): string {
  if (!/[A-Z]/.test(key)) return key;
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

/**
 * Keys already converted: frames repeat the same few hundred keys, and the
 * regular expressions cost more than the rest of a frame's copy. Bounded,
 * so keys a client makes up cannot grow it without limit.
 */
const snakeKeys = new Map<string, string>();
const SNAKE_KEYS_MAX = 4_096;

/** `key` in snake_case (cached; see `normalizeKeys`). */
export function snakeKeyOf(key: string): string {
  let snake = snakeKeys.get(key);
  if (snake === undefined) {
    snake = toSnakeCase(key);
    if (snakeKeys.size < SNAKE_KEYS_MAX) snakeKeys.set(key, snake);
  }
  return snake;
}

/** A deep copy of `value` with every object key in snake_case. */
export function normalizeKeys(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = normalizeKeys(value[i]);
    return out;
  }
  const out: Record<string, unknown> = {};
  const object = value as Record<string, unknown>;
  for (const key in object) {
    if (Object.hasOwn(object, key)) out[snakeKeyOf(key)] = normalizeKeys(object[key]);
  }
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

const num = z.number();
const int = z.number().int();

export const TeamMemberSchema = z.looseObject({
  name: z.string().optional(),
  display_name: z.string().optional(),
  userid: z.union([int, z.string()]).optional(),
  account_number: z.union([int, z.string()]).optional(),
  playerid: int.optional(),
  slot_number: int.optional(),
  ping: num.optional(),
  stats: z.looseObject({}).optional(),
});
export type TeamMember = z.infer<typeof TeamMemberSchema>;

export const TeamSchema = z.looseObject({
  team: z.string().optional(),
  team_name: z.string().optional(),
  players: z.array(TeamMemberSchema).nullish(),
});
export type Team = z.infer<typeof TeamSchema>;

/** The game's `/session` snapshot, after `normalizeKeys`. */
export const SessionSchema = z.looseObject({
  session_id: z.string().optional(),
  sessionid: z.string().optional(),
  game_status: z.string().optional(),
  game_clock: num.optional(),
  match_type: z.string().optional(),
  map_name: z.string().optional(),
  blue_points: int.optional(),
  orange_points: int.optional(),
  blue_round_score: int.optional(),
  orange_round_score: int.optional(),
  total_round_count: int.optional(),
  teams: z.array(TeamSchema).nullish(),
});
export type Session = z.infer<typeof SessionSchema>;

/** One `LobbySessionEvent`: an object whose single key is its event type. */
export const FrameEventSchema = z.record(z.string(), z.unknown()).refine((event) => Object.keys(event).length >= 1, {
  message: "an event must have its event type as a key, e.g. {\"round_started\": {...}}",
});
export type FrameEvent = Partial<Record<FrameEventType, Record<string, unknown>>> & Record<string, unknown>;

/** A `LobbySessionStateFrame` after `normalizeKeys`; unknown fields are kept. */
export const FrameSchema = z
  .looseObject({
    frame_index: int.nonnegative().optional(),
    timestamp: z.iso.datetime({ offset: true }).optional(),
    events: z.array(FrameEventSchema).nullish(),
    session: SessionSchema,
    player_bones: z.unknown().optional(),
  })
  .superRefine((frame, ctx) => {
    const id = frame.session.session_id ?? frame.session.sessionid;
    if (id === undefined) {
      ctx.addIssue({ code: "custom", path: ["session", "session_id"], message: "the frame's session id is required (session.session_id, session.sessionid or session.sessionID)" });
    } else if (!isUuid(id)) {
      ctx.addIssue({ code: "custom", path: ["session", "session_id"], message: `must be a UUID, got "${id}"` });
    }
  });
export type Frame = z.infer<typeof FrameSchema>;

/** The lobby session (game session uuid) a frame belongs to, lower-cased. */
export function sessionIdOf(frame: Frame): string {
  return (frame.session.session_id ?? frame.session.sessionid ?? "").toLowerCase();
}

/** The event types present in a frame, in order, without repeats (seed 002's `event_types`). */
export function eventTypesOf(frame: Frame): string[] {
  const seen = new Set<string>();
  for (const event of frame.events ?? []) for (const key of Object.keys(event)) seen.add(key);
  return [...seen];
}

/** A player's display name, whichever spelling the sender used. */
export function memberName(member: TeamMember): string {
  return member.display_name ?? member.name ?? "";
}

/** A player's account number as a string (`userid` or `account_number`), or "" when absent. */
export function memberAccount(member: TeamMember): string {
  const id = member.account_number ?? member.userid;
  return id === undefined ? "" : String(id);
}

/** A player's slot (`playerid` or `slot_number`), or -1 when absent. */
export function memberSlot(member: TeamMember): number {
  return member.slot_number ?? member.playerid ?? -1;
}

/** A team's name (`team` or `team_name`), e.g. "BLUE TEAM". */
export function teamName(team: Team): string {
  return team.team_name ?? team.team ?? "";
}

/** The role a team name stands for. */
export function roleOfTeam(name: string): RoleNumber {
  const upper = name.toUpperCase();
  if (upper.startsWith("BLUE")) return Role.BLUE_TEAM;
  if (upper.startsWith("ORANGE")) return Role.ORANGE_TEAM;
  if (upper.startsWith("SPECTATOR")) return Role.SPECTATOR;
  return Role.UNSPECIFIED;
}

/** Every player in a session snapshot with the team they are on. */
export function playersOf(session: Session): Array<{ member: TeamMember; team: string }> {
  const out: Array<{ member: TeamMember; team: string }> = [];
  for (const team of session.teams ?? []) {
    for (const member of team.players ?? []) out.push({ member, team: teamName(team) });
  }
  return out;
}
