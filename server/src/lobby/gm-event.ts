import { ValidationError } from "../errors.ts";
import type { RuntimeSnapshotInput } from "./game-store.ts";
import { isGameId, isUserId } from "./ids.ts";
import type { PlayerObservation } from "./stats-store.ts";

/**
 * One entry of the Game Master's `gm:lobby_events` stream, decoded as the
 * seed decodes it. Entries are flat string fields; the discriminator is
 * `kind` (the seed's name), else `event_type` (the Game Master's published
 * name). Two kinds are understood:
 *
 * - `runtime_snapshot_update`: `game_id`, `current_turn`, `runtime_status`,
 *   `engine_health_summary`, `player_turn_stats`;
 * - `game_finished`: the same, plus `finished_at_ms`.
 *
 * Anything else, or a field that does not parse, is a ValidationError
 * naming the field: the worker logs the entry and skips it.
 */

export const RUNTIME_SNAPSHOT_UPDATE = "runtime_snapshot_update";
export const GAME_FINISHED = "game_finished";
export type GmEventKind = typeof RUNTIME_SNAPSHOT_UPDATE | typeof GAME_FINISHED;

export interface GmEvent {
  kind: GmEventKind;
  gameId: string;
  /** The snapshot the entry carries, overwritten whole (absent fields: 0 and ""). */
  snapshot: RuntimeSnapshotInput;
  /** The `player_turn_stats` lines; empty when the field is absent or blank. */
  playerStats: PlayerObservation[];
  /** `finished_at_ms` (epoch ms), or null when absent. */
  finishedAt: number | null;
}

/** A field's string value; "" when absent or not a string (as the seed's `optionalString`). */
function field(fields: Readonly<Record<string, unknown>>, name: string): string {
  const value = fields[name];
  return typeof value === "string" ? value : "";
}

export function decodeGmEvent(fields: Readonly<Record<string, unknown>>): GmEvent {
  const kind = field(fields, "kind") || field(fields, "event_type");
  if (kind !== RUNTIME_SNAPSHOT_UPDATE && kind !== GAME_FINISHED) {
    throw new ValidationError(`kind: unsupported event kind ${JSON.stringify(kind)}`, "kind");
  }
  const gameId = field(fields, "game_id");
  if (gameId.trim() === "") throw new ValidationError("game_id: missing", "game_id");
  if (!isGameId(gameId)) throw new ValidationError(`game_id: invalid game id ${JSON.stringify(gameId)}`, "game_id");
  // `current_turn`, else (on game_finished) `final_turn_number`, which the Game Master's contract also names.
  const turnField = field(fields, "current_turn") !== "" ? "current_turn" : field(fields, "final_turn_number") !== "" ? "final_turn_number" : undefined;
  const snapshot: RuntimeSnapshotInput = {
    current_turn: turnField ? decodeTurn(turnField, field(fields, turnField)) : 0,
    runtime_status: field(fields, "runtime_status"),
    engine_health_summary: field(fields, "engine_health_summary"),
  };
  let finishedAt: number | null = null;
  const finishedRaw = field(fields, "finished_at_ms");
  if (finishedRaw !== "") {
    if (!/^[+-]?\d+$/.test(finishedRaw) || !Number.isSafeInteger(Number(finishedRaw))) {
      throw new ValidationError(`finished_at_ms: not an integer: ${JSON.stringify(finishedRaw)}`, "finished_at_ms");
    }
    finishedAt = Number(finishedRaw);
    if (finishedAt <= 0) throw new ValidationError("finished_at_ms: must be positive", "finished_at_ms");
  }
  return { kind, gameId, snapshot, playerStats: decodePlayerStats(field(fields, "player_turn_stats")), finishedAt };
}

function decodeTurn(name: string, raw: string): number {
  if (!/^[+-]?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw new ValidationError(`${name}: not an integer: ${JSON.stringify(raw)}`, name);
  const turn = Number(raw);
  if (turn < 0) throw new ValidationError(`${name}: must not be negative`, name);
  return turn;
}

/**
 * `player_turn_stats`: a JSON array of `{user_id, planets, population,
 * ships_built}`. `user_id` must be non-empty once trimmed (it is kept
 * trimmed, as the seed does); the counts must be integers ≥ 0;
 * `ships_built` may be absent or null (later producers dropped it: 0).
 */
export function decodePlayerStats(payload: string): PlayerObservation[] {
  if (payload.trim() === "") return [];
  let lines: unknown;
  try {
    lines = JSON.parse(payload);
  } catch (error) {
    throw new ValidationError(`player_turn_stats: not JSON: ${(error as Error).message}`, "player_turn_stats");
  }
  if (lines === null) return [];
  if (!Array.isArray(lines)) throw new ValidationError("player_turn_stats: not a JSON array", "player_turn_stats");
  return lines.map((line: unknown, i): PlayerObservation => {
    const at = `player_turn_stats[${i}]`;
    if (typeof line !== "object" || line === null || Array.isArray(line)) throw new ValidationError(`${at}: not an object`, at);
    const { user_id, planets, population, ships_built } = line as Record<string, unknown>;
    const userId = typeof user_id === "string" ? user_id.trim() : "";
    if (!isUserId(userId)) throw new ValidationError(`${at}.user_id: expected a non-empty user id, got ${JSON.stringify(user_id)}`, `${at}.user_id`);
    const count = (name: string, value: unknown): number => {
      if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
        throw new ValidationError(`${at}.${name}: expected an integer ≥ 0, got ${JSON.stringify(value)}`, `${at}.${name}`);
      }
      return value;
    };
    return { user_id: userId, planets: count("planets", planets), population: count("population", population), ships_built: count("ships_built", ships_built ?? 0) };
  });
}
