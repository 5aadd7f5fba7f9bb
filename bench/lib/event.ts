/**
 * The event every ingest and storage scenario writes: a player action of
 * about 200 bytes in six fields (type, ts, user_id, session_id, match_id,
 * data), exactly the fields the server stores for `journal.playerAction`, so
 * the raw-Redis baselines XADD the same bytes the server does.
 */
export const SESSION_ID = "0b7a8f3e-5c1d-4e2a-9f6b-3d8c2a1e7f40";
export const MATCH_ID = `${SESSION_ID}.default-node`;
export const USER_ID = "user-0042";
export const ACTION = "ability_used";
export const ACTION_DATA = { ability: "dash", x: 12.5, y: -3.25, z: 0.5, hit: true };

/** The tRPC `journal.playerAction` input. */
export function playerActionInput(): Record<string, unknown> {
  return { user_id: USER_ID, session_id: SESSION_ID, match_id: MATCH_ID, action: ACTION, data: ACTION_DATA };
}

/** One `journal.appendBatch` event. */
export function batchEvent(): Record<string, unknown> {
  return { stream: "events:player_actions", type: ACTION, user_id: USER_ID, session_id: SESSION_ID, match_id: MATCH_ID, data: ACTION_DATA };
}

/** The XADD field/value list the server writes for that event (see server/src/journal/codec.ts). */
export function eventFields(ts = Date.now()): string[] {
  return ["type", ACTION, "ts", String(ts), "user_id", USER_ID, "session_id", SESSION_ID, "match_id", MATCH_ID, "data", JSON.stringify(ACTION_DATA)];
}

/** Bytes of field names and values: what "a 200-byte event" means here. */
export function eventFieldBytes(): number {
  return eventFields().reduce((n, f) => n + Buffer.byteLength(f), 0);
}

/** The event as the embedded journal stores it: one JSON text. */
export function eventJson(ts = Date.now()): string {
  return JSON.stringify({ type: ACTION, ts, data: ACTION_DATA, user_id: USER_ID, session_id: SESSION_ID, match_id: MATCH_ID });
}

/** Telemetry payload for fanout and replay: a sequence number, the send time on the shared clock, padding to ~200 bytes in all. */
export function telemetryData(seq: number, t: number, warm = false): Record<string, unknown> {
  return { seq, t, ...(warm ? { warm: true } : {}), pad: "p".repeat(96) };
}
