import type { Scope } from "../../server/src/platform/auth-user.ts";

/**
 * What every route and procedure needs in AUTH_MODE=token, with a request
 * that passes the credential check (it may still be refused for its input:
 * the matrix only asks whether access was granted).
 *
 * `any`: any valid credential; without `ingest` only acting as itself, so
 * its "wrong" credential is a `read` token acting as another user.
 * `credential`: any valid credential, whatever its scope (joining a game).
 * `optional`: open, but a credential that is sent must be good (a game's
 * reads: a seat token shows that player's view). `player`: a game seat's
 * token (the matrix joins `MATRIX_GAME` to get one).
 */

/** The game room the matrix plays in: created and joined (two seats) before it runs. */
export const MATRIX_GAME = "matrix-game";
export type Need = "public" | "optional" | "credential" | "any" | Scope;

export interface RestCase {
  method: string;
  /** The route's pattern as the app lists it. */
  pattern: string;
  /** A concrete path for it. */
  path: string;
  need: Need;
  body?: unknown;
  headers?: Record<string, string>;
  /** A streaming answer: read the status, then drop the connection. */
  stream?: true;
}

const LOBBY = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const MATCH = `${LOBBY}.node-1`;
/** Appends name a user other than the caller: only `ingest` may do that. */
const OTHER = "someone-else";
/** A lobby game (seed 004) that never exists: reads answer 404, writes 404 or 409, past the access check. */
const GAME = "game-matrix";
const frame = { frame_index: 1, timestamp: "2025-03-01T12:00:00Z", session: { session_id: LOBBY } };

export const REST_CASES: RestCase[] = [
  { method: "GET", pattern: "/health", path: "/health", need: "public" },
  { method: "GET", pattern: "/ready", path: "/ready", need: "public" },
  { method: "GET", pattern: "/metrics", path: "/metrics", need: "public" },
  // The API's description and the pages served by the binary are public; what they call needs a credential.
  { method: "GET", pattern: "/", path: "/", need: "public" },
  { method: "GET", pattern: "/console", path: "/console", need: "public" },
  { method: "GET", pattern: "/console/:asset{.+\\.(?:js|css)}", path: "/console/app.js", need: "public" },
  ...["/openapi.json", "/docs", "/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js", "/docs/init.js"].map((path): RestCase => ({ method: "GET", pattern: path, path, need: "public" })),
  { method: "POST", pattern: "/v1/journal/player-actions", path: "/v1/journal/player-actions", need: "any", body: { user_id: OTHER, session_id: "s", match_id: "m", action: "moved" } },
  { method: "POST", pattern: "/v1/journal/purchases", path: "/v1/journal/purchases", need: "any", body: { user_id: OTHER, session_id: "s", purchase: { sku: "x" } } },
  { method: "POST", pattern: "/v1/journal/telemetry", path: "/v1/journal/telemetry", need: "any", body: { user_id: OTHER, session_id: "s", lobby_id: "l", data: {} } },
  { method: "GET", pattern: "/v1/journal/:stream", path: "/v1/journal/events:player_actions", need: "read" },
  { method: "GET", pattern: "/v1/journal/:stream/live", path: "/v1/journal/events:player_actions/live", need: "read", stream: true },
  { method: "POST", pattern: "/rtapi/subscribe", path: "/rtapi/subscribe", need: "any", body: { lobby_id: "l" }, headers: { "X-Session-ID": "s", "X-User-ID": OTHER } },
  { method: "POST", pattern: "/rtapi/unsubscribe", path: "/rtapi/unsubscribe", need: "any", body: { lobby_id: "l" }, headers: { "X-Session-ID": "s", "X-User-ID": OTHER } },
  { method: "GET", pattern: "/rtapi/subscriptions", path: "/rtapi/subscriptions?lobby_id=l", need: "read" },
  { method: "GET", pattern: "/v1/lobbies", path: "/v1/lobbies", need: "read" },
  { method: "POST", pattern: "/v1/lobbies/:lobby_id/telemetry", path: "/v1/lobbies/l/telemetry", need: "ingest", body: { n: 1 } },
  { method: "GET", pattern: "/v1/matches/:match_id", path: `/v1/matches/${MATCH}`, need: "read" },
  { method: "GET", pattern: "/v1/matches", path: "/v1/matches", need: "read" },
  { method: "GET", pattern: "/v1/players/:player_id/matches", path: "/v1/players/1001/matches", need: "read" },
  { method: "GET", pattern: "/v1/abandons", path: "/v1/abandons", need: "read" },
  { method: "POST", pattern: "/v1/admin/rebuild", path: "/v1/admin/rebuild", need: "admin", body: { target: "matches", match_id: MATCH } },
  { method: "GET", pattern: "/v1/admin/rebuild/:job_id", path: "/v1/admin/rebuild/no-such-job", need: "admin" },
  { method: "GET", pattern: "/session-events/:match_id", path: `/session-events/${MATCH}`, need: "read" },
  ...["", "/v1", "/v3"].map((prefix): RestCase => ({ method: "GET", pattern: `${prefix}/lobby-session-events/:lobby_session_id`, path: `${prefix}/lobby-session-events/${LOBBY}`, need: "read" })),
  { method: "POST", pattern: "/session-events", path: "/session-events", need: "any", body: frame, headers: { "X-User-ID": OTHER } },
  ...["", "/v1", "/v3"].flatMap((prefix): RestCase[] => [
    { method: "POST", pattern: `${prefix}/lobby-session-events`, path: `${prefix}/lobby-session-events`, need: "any", body: frame, headers: { "X-User-ID": OTHER } },
    { method: "POST", pattern: `${prefix}/lobby-session-events/:lobby_session_id`, path: `${prefix}/lobby-session-events/${LOBBY}`, need: "any", body: frame, headers: { "X-User-ID": OTHER } },
  ]),
  { method: "POST", pattern: "/v1/lobby/games", path: "/v1/lobby/games", need: "admin", body: { name: "matrix" } },
  { method: "GET", pattern: "/v1/lobby/games", path: "/v1/lobby/games", need: "read" },
  { method: "GET", pattern: "/v1/lobby/games/:game_id", path: `/v1/lobby/games/${GAME}`, need: "read" },
  { method: "POST", pattern: "/v1/lobby/games/:game_id/members", path: `/v1/lobby/games/${GAME}/members`, need: "admin", body: { user_id: OTHER } },
  { method: "DELETE", pattern: "/v1/lobby/games/:game_id/members/:user_id", path: `/v1/lobby/games/${GAME}/members/${OTHER}`, need: "admin" },
  { method: "POST", pattern: "/v1/lobby/games/:game_id/transitions", path: `/v1/lobby/games/${GAME}/transitions`, need: "admin", body: { from: "draft", to: "enrollment_open" } },
  { method: "GET", pattern: "/v1/lobby/games/:game_id/stats", path: `/v1/lobby/games/${GAME}/stats`, need: "read" },
  { method: "GET", pattern: "/v1/lobby/games/:game_id/capabilities", path: `/v1/lobby/games/${GAME}/capabilities`, need: "read" },
  { method: "GET", pattern: "/v1/lobby/games/:game_id/live", path: `/v1/lobby/games/${GAME}/live`, need: "read", stream: true },
  { method: "POST", pattern: "/v1/lobby/gm-events", path: "/v1/lobby/gm-events", need: "ingest", body: { kind: "runtime_snapshot_update", game_id: GAME } },
  { method: "POST", pattern: "/v1/admin/keys", path: "/v1/admin/keys", need: "admin", body: { name: "matrix", scopes: ["read"] } },
  { method: "GET", pattern: "/v1/admin/keys", path: "/v1/admin/keys", need: "admin" },
  { method: "DELETE", pattern: "/v1/admin/keys/:id", path: "/v1/admin/keys/aaaaaaaaaaaa", need: "admin" },
  { method: "DELETE", pattern: "/v1/admin/groups/:stream/:group", path: "/v1/admin/groups/events:purchases/nobody", need: "admin" },
  // Game rooms (seed 003): reads are open (a seat token shows that seat's view), writes scoped.
  { method: "GET", pattern: "/api/games", path: "/api/games", need: "public" },
  { method: "GET", pattern: "/api/games/:gameId", path: `/api/games/${MATRIX_GAME}`, need: "optional" },
  { method: "GET", pattern: "/api/games/:gameId/events", path: `/api/games/${MATRIX_GAME}/events`, need: "optional" },
  { method: "POST", pattern: "/api/games", path: "/api/games", need: "ingest", body: { numPlayers: 2 } },
  { method: "POST", pattern: "/api/games/:gameId/join", path: "/api/games/no-such-game/join", need: "credential", body: { name: "matrix" } },
  { method: "POST", pattern: "/api/games/:gameId/commands", path: `/api/games/${MATRIX_GAME}/commands`, need: "player", body: { commandId: "matrix-rest", type: "rest" } },
  { method: "POST", pattern: "/api/games/:gameId/replay", path: `/api/games/${MATRIX_GAME}/replay`, need: "admin" },
  { method: "POST", pattern: "/api/games/:gameId/leave", path: `/api/games/${MATRIX_GAME}/leave`, need: "player" },
  { method: "GET", pattern: "/v1/admin/streams", path: "/v1/admin/streams", need: "admin" },
  { method: "GET", pattern: "/v1/admin/dead-letters/:stream", path: "/v1/admin/dead-letters/events:purchases", need: "admin" },
  { method: "POST", pattern: "/v1/admin/dead-letters/:stream/redrive", path: "/v1/admin/dead-letters/events:purchases/redrive", need: "admin", body: { ids: ["1-0"] } },
  { method: "POST", pattern: "/v1/admin/dead-letters/:stream/drop", path: "/v1/admin/dead-letters/events:purchases/drop", need: "admin", body: { ids: ["1-0"] } },
  // GraphiQL's page is public; operations need `read`.
  ...["/graphql", "/v3/graphql", "/v3/query"].flatMap((path): RestCase[] => [
    { method: "GET", pattern: path, path: `${path}?query=${encodeURIComponent("{ health { status } }")}`, need: "read" },
    { method: "POST", pattern: path, path, need: "read", body: { query: "{ health { status } }" } },
  ]),
];

export interface ProcedureCase {
  path: string;
  type: "query" | "mutation" | "subscription";
  need: Need;
  input?: unknown;
}

export const PROCEDURE_CASES: ProcedureCase[] = [
  { path: "system.health", type: "query", need: "public" },
  { path: "system.clock", type: "subscription", need: "public" },
  { path: "journal.playerAction", type: "mutation", need: "any", input: { user_id: OTHER, session_id: "s", match_id: "m", action: "moved" } },
  { path: "journal.purchase", type: "mutation", need: "any", input: { user_id: OTHER, session_id: "s", purchase: { sku: "x" } } },
  { path: "journal.telemetry", type: "mutation", need: "any", input: { user_id: OTHER, session_id: "s", lobby_id: "l", data: {} } },
  { path: "journal.appendBatch", type: "mutation", need: "any", input: { events: [{ stream: "events:purchases", type: "purchase", user_id: OTHER }] } },
  { path: "journal.read", type: "query", need: "read", input: { stream: "events:purchases", count: 1 } },
  { path: "journal.follow", type: "subscription", need: "read", input: { stream: "events:purchases" } },
  { path: "journal.streams", type: "query", need: "read" },
  { path: "journal.groups.create", type: "mutation", need: "admin", input: { stream: "events:purchases", group: "matrix" } },
  { path: "journal.groups.read", type: "mutation", need: "read", input: { stream: "events:purchases", group: "matrix", consumer: "c", count: 1 } },
  { path: "journal.groups.ack", type: "mutation", need: "admin", input: { stream: "events:purchases", group: "matrix", ids: ["1-0"] } },
  { path: "journal.groups.pending", type: "query", need: "read", input: { stream: "events:purchases", group: "matrix" } },
  { path: "telemetry.broadcast", type: "mutation", need: "ingest", input: { lobbyId: "l", data: {} } },
  { path: "telemetry.lobby", type: "subscription", need: "read", input: { lobbyId: "l" } },
  { path: "telemetry.lobbies", type: "query", need: "read" },
  { path: "telemetry.subscriptions", type: "query", need: "read", input: { lobbyId: "l" } },
  { path: "matches.get", type: "query", need: "read", input: { matchId: MATCH } },
  { path: "matches.list", type: "query", need: "read", input: {} },
  { path: "matches.end", type: "mutation", need: "ingest", input: { matchId: MATCH } },
  { path: "matches.playerMatches", type: "query", need: "read", input: { playerId: "1001" } },
  { path: "matches.abandonCounts", type: "query", need: "read", input: {} },
  { path: "matches.rebuild", type: "mutation", need: "admin", input: { target: "matches", match_id: MATCH } },
  { path: "matches.rebuildJob", type: "query", need: "admin", input: { jobId: "no-such-job" } },
  { path: "sessions.getSessionEvents", type: "query", need: "read", input: { lobby_session_id: LOBBY } },
  { path: "sessions.getMatchEvents", type: "query", need: "read", input: { match_id: MATCH } },
  { path: "sessions.getLobbySession", type: "query", need: "read", input: { lobby_session_id: LOBBY } },
  { path: "sessions.ingestFrames", type: "mutation", need: "any", input: { frames: [frame], user_id: OTHER } },
  { path: "lobby.create", type: "mutation", need: "admin", input: { name: "matrix" } },
  { path: "lobby.get", type: "query", need: "read", input: { gameId: GAME } },
  { path: "lobby.list", type: "query", need: "read", input: {} },
  { path: "lobby.addMember", type: "mutation", need: "admin", input: { gameId: GAME, userId: OTHER } },
  { path: "lobby.removeMember", type: "mutation", need: "admin", input: { gameId: GAME, userId: OTHER } },
  { path: "lobby.transition", type: "mutation", need: "admin", input: { gameId: GAME, from: "draft", to: "enrollment_open" } },
  { path: "lobby.stats", type: "query", need: "read", input: { gameId: GAME } },
  { path: "lobby.capabilities", type: "query", need: "read", input: { gameId: GAME } },
  { path: "lobby.gameUpdates", type: "subscription", need: "read", input: { gameId: GAME } },
  { path: "lobby.appendGmEvent", type: "mutation", need: "ingest", input: { fields: { kind: "runtime_snapshot_update", game_id: GAME } } },
  { path: "games.create", type: "mutation", need: "ingest", input: { numPlayers: 2 } },
  { path: "games.join", type: "mutation", need: "credential", input: { gameId: "no-such-game", name: "matrix" } },
  { path: "games.leave", type: "mutation", need: "player", input: { gameId: MATRIX_GAME } },
  { path: "games.command", type: "mutation", need: "player", input: { gameId: MATRIX_GAME, command: { commandId: "matrix-rest-2", type: "rest" } } },
  { path: "games.state", type: "query", need: "optional", input: { gameId: MATRIX_GAME } },
  { path: "games.history", type: "query", need: "optional", input: { gameId: MATRIX_GAME } },
  { path: "games.list", type: "query", need: "public" },
  { path: "games.replay", type: "mutation", need: "admin", input: { gameId: MATRIX_GAME } },
  { path: "games.events", type: "subscription", need: "optional", input: { gameId: MATRIX_GAME } },
  { path: "admin.keys.create", type: "mutation", need: "admin", input: { name: "matrix", scopes: ["read"] } },
  { path: "admin.keys.list", type: "query", need: "admin" },
  { path: "admin.keys.revoke", type: "mutation", need: "admin", input: { id: "aaaaaaaaaaaa" } },
  { path: "admin.groups.delete", type: "mutation", need: "admin", input: { stream: "events:purchases", group: "nobody" } },
  { path: "admin.streams", type: "query", need: "admin" },
  { path: "admin.deadLetters.list", type: "query", need: "admin", input: { stream: "events:purchases" } },
  { path: "admin.deadLetters.redrive", type: "mutation", need: "admin", input: { stream: "events:purchases", ids: ["1-0"] } },
  { path: "admin.deadLetters.drop", type: "mutation", need: "admin", input: { stream: "events:purchases", ids: ["1-0"] } },
];
