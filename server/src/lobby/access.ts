import { UnauthenticatedError } from "../errors.ts";
import type { AuthUser } from "../platform/auth-user.ts";

/** The lobby's writes, by what they change. */
export type LobbyWrite = "create_game" | "add_member" | "remove_member" | "transition" | "append_gm_event";

/**
 * Who may make a lobby write: the one place every edge (REST, tRPC) goes
 * through, via the Lobby API. Today any verified token may make any write;
 * scopes per write (and per game, e.g. its owner) belong here when they come
 * (issue 14). Reads are open.
 *
 * Rejects with UnauthenticatedError (401) when there is no verified user.
 */
export function authorizeLobbyWrite(user: AuthUser | null | undefined, write: LobbyWrite): AuthUser {
  if (!user) throw new UnauthenticatedError(`a valid token is required to ${write.replaceAll("_", " ")} (Authorization: Bearer <jwt>)`);
  return user;
}
