import { UnauthenticatedError } from "../errors.ts";
import type { AuthUser } from "../platform/auth-user.ts";
import type { Room } from "./room.ts";

/**
 * Who may do what in the game rooms (scopes are checked at the edges).
 *
 * - Reading a game (its state view, its events, the live feed, the list) is
 *   open: without a seat token the reader is a spectator and gets the public
 *   view; with one for this game, that player's view.
 * - Commands and leaving need a seat token: subject `player:<gameId>:<seat>`
 *   with the claims `{game_id, player_id, joined_event}` that `join` signs.
 *   It is honoured while that seat's current occupant joined at
 *   `joined_event` (a seat freed before the start and taken again does not
 *   honour the first occupant's token).
 * - Replaying a game (an operation) needs the `admin` scope, checked at the
 *   edges (router.ts, routes.ts); the service only insists on a caller.
 */

/** The claims a seat token carries beside its subject. */
export interface SeatClaims {
  game_id: string;
  player_id: number;
  /** Id of the `PlayerJoined` event that gave the seat. */
  joined_event: number;
}

export const seatSubject = (gameId: string, playerId: number): string => `player:${gameId}:${playerId}`;

/** The seat claims of `user`'s token when they are for `gameId`, whether or not the seat is still theirs. */
export function seatClaimsOf(user: AuthUser | null | undefined, gameId: string): SeatClaims | null {
  const claims = user?.claims;
  if (!claims || claims.game_id !== gameId) return null;
  const playerId = claims.player_id;
  const joined = claims.joined_event;
  if (!Number.isSafeInteger(playerId) || !Number.isSafeInteger(joined)) return null;
  if (user!.sub !== seatSubject(gameId, playerId as number)) return null;
  return { game_id: gameId, player_id: playerId as number, joined_event: joined as number };
}

/** The seat `user` holds in the room (its token is for this seat's current occupant), else null: a spectator. */
export function seatOf(user: AuthUser | null | undefined, gameId: string, room: Room): number | null {
  const claims = seatClaimsOf(user, gameId);
  if (!claims) return null;
  return room.joinedAt[claims.player_id] === claims.joined_event ? claims.player_id : null;
}

/** The caller of a seat-only operation must at least have a token. */
export function requireUser(user: AuthUser | null | undefined): AuthUser {
  if (!user) throw new UnauthenticatedError("a player token is required (Authorization: Bearer <token from join>)");
  return user;
}

/** Replay and other operations on the logs: a caller is required here; its `admin` scope is checked at the edges. */
export function requireOperator(user: AuthUser | null | undefined): AuthUser {
  if (!user) throw new UnauthenticatedError("a valid token is required (Authorization: Bearer <jwt>)");
  return user;
}
