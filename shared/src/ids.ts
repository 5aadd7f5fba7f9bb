import { isUuid } from "./frames.ts";

/**
 * Identifiers shared by every domain (DESIGN.md): a lobby session is the
 * game's session uuid; a match is that session seen from one node,
 * `<session uuid>.<node>` (seed 001), the node defaulting to `default-node`.
 */

/** Seed 001: the node when `X-Node-ID` is absent. */
export const DEFAULT_NODE = "default-node";

/** A node id: 1 to 128 characters, no whitespace and no `/` (it becomes part of a URL path). */
export function isNodeId(value: string): boolean {
  return /^[^\s/]{1,128}$/.test(value);
}

/** `<uuid>.<node>` for a lobby session seen from one node (the uuid lower-cased). */
export function toMatchId(lobbySessionId: string, node: string): string {
  return `${lobbySessionId.toLowerCase()}.${node}`;
}

/** Splits a match id into its lobby session (lower-cased) and node; undefined when it is not `<uuid>.<node>`. */
export function parseMatchId(matchId: string): { lobby_session_id: string; node: string } | undefined {
  const uuid = matchId.slice(0, 36);
  const node = matchId.slice(37);
  if (!isUuid(uuid) || matchId[36] !== "." || !isNodeId(node)) return undefined;
  return { lobby_session_id: uuid.toLowerCase(), node };
}
