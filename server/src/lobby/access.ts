import type { Scope } from "../platform/auth-user.ts";

/** The lobby's operations, as the edges authorise them. */
export type LobbyOperation = "read" | "create_game" | "add_member" | "remove_member" | "transition" | "append_gm_event";

export interface LobbyNeed {
  /** The scope the caller must hold under AUTH_MODE=token (`admin` holds every scope). */
  scope: Scope;
  /** A real credential even under AUTH_MODE=open: the lobby's writes always take a token. */
  credential: boolean;
}

/**
 * What each lobby operation needs: the one table every edge applies (REST
 * routes with `need`, tRPC procedures with `scopedProcedure`; GraphQL, read
 * only, needs `read` for any operation). Reads of records, stats,
 * capabilities and the live feed need `read`; the writes that stand in for
 * the services driving a game before it runs (creation, members,
 * transitions) need `admin`; the Game Master's entries, appended embedded,
 * need `ingest`. Every write needs a token even in AUTH_MODE=open.
 */
export const LOBBY_ACCESS: Readonly<Record<LobbyOperation, LobbyNeed>> = Object.freeze({
  read: { scope: "read", credential: false },
  create_game: { scope: "admin", credential: true },
  add_member: { scope: "admin", credential: true },
  remove_member: { scope: "admin", credential: true },
  transition: { scope: "admin", credential: true },
  append_gm_event: { scope: "ingest", credential: true },
});
