import { FrameSchema, normalizeKeys, type Frame } from "@gamejournal/shared";
import { toSessionEvent, type SessionEvent } from "../../server/src/sessions/index.ts";

export const LOBBY_A = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
export const LOBBY_B = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d";
const BASE = Date.parse("2025-03-01T12:00:00.000Z");

/** A valid frame of `lobby` with the given index, `ms` after a fixed base time, carrying `events`. */
export function frameOf(lobby: string, index: number, ms = index * 100, events: object[] = [{ round_started: { round_number: 1 } }]): Frame {
  return FrameSchema.parse(
    normalizeKeys({
      frameIndex: index,
      timestamp: new Date(BASE + ms).toISOString(),
      events,
      session: { sessionid: lobby, game_status: "playing", teams: [{ team: "BLUE TEAM", players: [{ name: "p1", playerid: 0, ping: 30 }] }] },
    }),
  ) as Frame;
}

export interface EventSpec {
  lobby?: string;
  index?: number;
  ms?: number;
  node?: string;
  user?: string;
  storedAt?: number;
}

/** A session event built the way ingest builds it. */
export function eventOf({ lobby = LOBBY_A, index = 0, ms, node, user = "user-1", storedAt = BASE + 60_000 }: EventSpec = {}): SessionEvent {
  return toSessionEvent(frameOf(lobby, index, ms), { userId: user, node, receivedAt: storedAt, now: storedAt });
}
