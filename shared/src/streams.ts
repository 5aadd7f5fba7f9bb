/**
 * Stream names and stream modes shared by the server, the client and workers.
 * Names are the seed's (000): existing consumers read exactly these keys.
 */

/** Player game actions (seed 000: `JournalPlayerAction`). */
export const PLAYER_ACTIONS_STREAM = "events:player_actions";
/** Purchase transactions (seed 000: `JournalPurchase`). */
export const PURCHASES_STREAM = "events:purchases";
/** Lobby and match telemetry (seed 000: `JournalTelemetry`, `BroadcastTelemetry`). */
export const RTAPI_STREAM = "events:rtapi";

/** The streams the journal accepts appends to from outside. */
export const JOURNAL_STREAMS = [PLAYER_ACTIONS_STREAM, PURCHASES_STREAM, RTAPI_STREAM] as const;
export type JournalStreamName = (typeof JOURNAL_STREAMS)[number];

/** Nakama stream mode of lobby session telemetry subscriptions (seed 000). */
export const StreamModeLobbySessionTelemetry = 0x16;

/** Per-lobby stream that live subscribers tail and resume from. */
export function toLobbyStream(lobbyId: string): string {
  return `lobby:{${lobbyId}}:events`;
}

/**
 * Per-game notification stream of the game rooms: one small entry
 * `{game_id, from, to}` per append to the game's event store. Live readers
 * follow it only to learn that events `from..to` exist; the events
 * themselves are read from the game's event store.
 */
export function toGameStream(gameId: string): string {
  return `game:{${gameId}}:events`;
}
