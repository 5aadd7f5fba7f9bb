import { normalizeKeys, SessionSchema, isUuid, type Session } from "../../../shared/src/frames.ts";

/**
 * The game client's HTTP JSON (`GET /session`, `GET /player_bones`) turned
 * into the protobuf field names a frame carries (nevr-common
 * `apigame/http_v1.proto`, the names protojson writes with UseProtoNames):
 * `sessionid` → `session_id`, a player's `name` → `display_name`, `userid`
 * → `account_number` (a string, as protojson writes a uint64), `playerid` →
 * `slot_number`, and so on. Keys are first normalised to snake_case; fields
 * with no renaming here are kept as they come.
 */

const SESSION_NAMES: Record<string, string> = { sessionid: "session_id", sessionip: "session_ip" };
const TEAM_NAMES: Record<string, string> = { team: "team_name", possession: "has_possession" };
const MEMBER_NAMES: Record<string, string> = {
  name: "display_name",
  userid: "account_number",
  playerid: "slot_number",
  number: "jersey_number",
  packetlossratio: "packet_loss_ratio",
  stunned: "is_stunned",
  invulnerable: "is_invulnerable",
  holding_left: "left_holding_onto",
  holding_right: "right_holding_onto",
  blocking: "is_blocking",
  possession: "has_possession",
  lhand: "left_hand",
  rhand: "right_hand",
};
const BONES_NAMES: Record<string, string> = { playerid: "xpid" };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => value !== null && typeof value === "object" && !Array.isArray(value);

function rename(object: Json, names: Record<string, string>): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(object)) out[names[key] ?? key] = value;
  return out;
}

function member(raw: unknown): unknown {
  if (!isObject(raw)) return raw;
  const out = rename(raw, MEMBER_NAMES);
  if (typeof out.account_number === "number") out.account_number = String(out.account_number);
  return out;
}

function team(raw: unknown): unknown {
  if (!isObject(raw)) return raw;
  const out = rename(raw, TEAM_NAMES);
  if (Array.isArray(out.players)) out.players = out.players.map(member);
  return out;
}

/** What a `/session` answer turned out to be. */
export type GameSession =
  | { kind: "match"; session: Session; sessionId: string }
  /** Between matches: an error code, no session id, or JSON that is not a session. */
  | { kind: "no-match"; reason: string };

/** Reads a `/session` body (already parsed JSON) into a proto-named session, or says why it is not a match. */
export function readGameSession(body: unknown): GameSession {
  if (!isObject(body)) return { kind: "no-match", reason: "the answer is not a JSON object" };
  const normalized = normalizeKeys(body) as Json;
  const errCode = normalized.err_code;
  if (typeof errCode === "number" && errCode !== 0) return { kind: "no-match", reason: `err_code ${errCode}` };
  const renamed = rename(normalized, SESSION_NAMES);
  if (Array.isArray(renamed.teams)) renamed.teams = renamed.teams.map(team);
  const parsed = SessionSchema.safeParse(renamed);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { kind: "no-match", reason: `session.${issue.path.join(".")}: ${issue.message}` };
  }
  const sessionId = parsed.data.session_id;
  if (!isUuid(sessionId)) return { kind: "no-match", reason: `no session id (got ${JSON.stringify(sessionId ?? null)})` };
  return { kind: "match", session: parsed.data, sessionId: sessionId.toLowerCase() };
}

/** Reads a `/player_bones` body into proto names; undefined when it is not usable. */
export function readPlayerBones(body: unknown): Json | undefined {
  if (!isObject(body)) return undefined;
  const normalized = normalizeKeys(body) as Json;
  if (typeof normalized.err_code === "number" && normalized.err_code !== 0) return undefined;
  if (Array.isArray(normalized.user_bones)) {
    normalized.user_bones = normalized.user_bones.map((bones) => (isObject(bones) ? rename(bones, BONES_NAMES) : bones));
  }
  return normalized;
}
