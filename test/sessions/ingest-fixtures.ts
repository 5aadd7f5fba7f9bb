import { clusterEnv, sharedMongo, sharedRedis, uniqueName, waitFor } from "../harness/index.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

/** The deployments: everything embedded, and Redis Streams (one server, or a cluster) + a MongoDB-protocol server (a database of its own). */
export const BACKENDS = {
  embedded: async (): Promise<Record<string, string>> => ({}),
  "redis+mongodb": async (): Promise<Record<string, string>> => ({
    JOURNAL_REDIS_URI: (await sharedRedis()).url,
    MONGODB_URI: `${(await sharedMongo()).url}${uniqueName("ingest")}`,
  }),
  "redis-cluster+mongodb": async (): Promise<Record<string, string>> => ({
    ...(await clusterEnv()),
    MONGODB_URI: `${(await sharedMongo()).url}${uniqueName("ingest")}`,
  }),
} as const;
export type Backend = keyof typeof BACKENDS;

/** A server on `backend`; a small event size limit (16 KiB) keeps the too-large cases cheap. */
export async function serverOn(backend: Backend, env: Record<string, string> = {}): Promise<TestServer> {
  return startTestServer({ FRAME_MAX_BYTES: "16384", ...(await BACKENDS[backend]()), ...env });
}

const BASE = Date.parse("2025-03-01T12:00:00Z");

/** The RFC 3339 time of frame `index`, with nanoseconds as protojson writes them. */
export function frameTime(index: number): string {
  return new Date(BASE + index * 100).toISOString().replace("Z", "456789Z");
}

/**
 * A LobbySessionStateFrame exactly as nevr-agent v4 marshals it into an
 * Envelope (protojson, proto field names, enums as numbers, int64 as strings,
 * unpopulated fields omitted): `{"frame": agentFrame(...)}`.
 */
export function agentFrame(session: string, index: number, events: object[] = [{ player_joined: { player: { display_name: "alice", account_number: "1001", slot_number: 0 }, role: 1 } }]) {
  return {
    frame_index: index,
    timestamp: frameTime(index),
    events,
    session: {
      session_id: session,
      session_ip: "10.0.0.7",
      match_type: "Echo_Arena",
      map_name: "mpl_arena_a",
      game_status: "playing",
      game_clock: 245.5,
      game_clock_display: "04:05.50",
      blue_points: 2,
      teams: [
        {
          team_name: "BLUE TEAM",
          players: [{ display_name: "alice", account_number: "1001", slot_number: 0, ping: 20, has_possession: true, stats: { goals: 1, points: 2 } }],
        },
      ],
    },
    player_bones: { user_bones: [{ slot_number: 0, bone_t: [0.5, 0.25, 0.125], bone_o: [0, 0, 0, 1] }] },
  };
}

/** The same frame as a game-style bare frame: lowerCamelCase names and `sessionid`. */
export function camelFrame(session: string, index: number) {
  return { frameIndex: index, timestamp: frameTime(index), events: [{ roundStarted: { roundNumber: 1 } }], session: { sessionid: session, gameStatus: "round_start" } };
}

/** GET a path of `server` as JSON. */
export async function getJson(server: { url: string }, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, body: await res.json() };
}

/** POST `body` (JSON unless a string) to `path`. */
export async function postJson(server: { url: string }, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** A lobby session's stored documents (seed 002 shape); [] while it has none. */
export async function storedEvents(server: { url: string }, lobby: string): Promise<any[]> {
  const { status, body } = await getJson(server, `/lobby-session-events/${lobby}`);
  if (status !== 200 && status !== 404) throw new Error(`GET /lobby-session-events answered ${status}: ${JSON.stringify(body)}`);
  return body.events;
}

/** Waits until the worker has stored `count` events of `lobby`, then returns them. */
export async function waitForStored(server: { url: string }, lobby: string, count: number, timeoutMs = 20_000): Promise<any[]> {
  let events: any[] = [];
  await waitFor(`${count} stored events of ${lobby}`, async () => (events = await storedEvents(server, lobby)).length >= count, { timeoutMs });
  return events;
}

/** A fresh lobby session id. */
export const newSession = () => crypto.randomUUID();
