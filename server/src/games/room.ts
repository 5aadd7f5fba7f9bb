import type { GameEvent } from "@gamejournal/shared";
import { evolve, initialState, type GameState } from "./rules/index.ts";
import type { GameSummary, StoredEvent } from "./store/index.ts";

/**
 * A game as the service holds it: the rules' state (a fold of the log) and,
 * beside it, the event id at which each seat's current player joined. A
 * seat token names that id (`joined_event`), so a token of a player who
 * left before the start, whose seat someone else then took, is not honoured
 * for the new occupant. Both are folds of the log: a replay rebuilds them.
 */
export interface Room {
  readonly state: GameState;
  /** Seat → id of the `PlayerJoined` event of its current occupant. */
  readonly joinedAt: Readonly<Record<number, number>>;
}

export const emptyRoom = (): Room => ({ state: initialState(), joinedAt: {} });

/** An event as the rules know it, from its stored form. */
export const toGameEvent = (stored: StoredEvent): GameEvent => ({ type: stored.type, playerId: stored.playerId, data: stored.data }) as GameEvent;

/** Folds one stored event (its id must be the room's version + 1). */
export function evolveRoom(room: Room, stored: StoredEvent): Room {
  const event = toGameEvent(stored);
  const state = evolve(room.state, event);
  let joinedAt = room.joinedAt;
  if (event.type === "PlayerJoined") joinedAt = { ...joinedAt, [event.data.playerId]: stored.eventId };
  else if (event.type === "PlayerLeft" && event.data.during === "waiting") {
    const { [event.data.playerId]: _gone, ...rest } = joinedAt;
    joinedAt = rest;
  }
  return { state, joinedAt };
}

export function foldRoom(events: Iterable<StoredEvent>, from: Room = emptyRoom()): Room {
  let room = from;
  for (const event of events) room = evolveRoom(room, event);
  return room;
}

/** What the game directory shows of a game (`GET /api/games`). */
export function summaryOf(state: GameState): GameSummary | undefined {
  if (state.status === "none") return undefined;
  return { status: state.status, numPlayers: state.numPlayers, players: state.players.map((p) => ({ playerId: p.playerId, name: p.name })) };
}

/** The snapshot format; a snapshot of another format is ignored (the log is the truth). */
const SNAPSHOT_FORMAT = 1;

export function toSnapshot(room: Room): unknown {
  return { format: SNAPSHOT_FORMAT, state: room.state, joinedAt: room.joinedAt };
}

/** The room a snapshot holds, or null when it is not one this version wrote (or its version disagrees). */
export function fromSnapshot(snapshot: { version: number; state: unknown }): Room | null {
  const value = snapshot.state as { format?: unknown; state?: GameState; joinedAt?: Record<number, number> } | null;
  if (!value || value.format !== SNAPSHOT_FORMAT || !value.state || typeof value.joinedAt !== "object" || value.joinedAt === null) return null;
  if (value.state.version !== snapshot.version) return null;
  return { state: value.state, joinedAt: value.joinedAt };
}
