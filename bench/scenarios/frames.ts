import { SignJWT } from "jose";
import { Histogram } from "../lib/histogram.ts";
import { JWT_SECRET } from "../lib/services.ts";

/**
 * A `/v3/stream` client written against its contract (DESIGN.md, FRAMES.md):
 * `ws://host/v3/stream?token=<HS256 JWT>`, text JSON Envelopes
 * `{"frame": {...}}` in proto field names, each answered in order with
 * `{"success": true, "ids": [...]}`. It keeps `window` messages in flight per
 * connection, so the pipeline stays full.
 */

export async function streamToken(subject = "bench"): Promise<string> {
  return new SignJWT({}).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setSubject(subject).setIssuedAt().setExpirationTime("1h").sign(new TextEncoder().encode(JWT_SECRET));
}

/** The status code the server answers a WebSocket upgrade of `path` with (101 when it upgrades). */
export async function upgradeStatus(base: string, path: string): Promise<number> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    let text = "";
    Bun.connect({
      hostname,
      port: Number(port),
      socket: {
        open(socket) {
          socket.write(
            `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
              `Sec-WebSocket-Key: ${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
          );
        },
        data(socket, chunk) {
          text += chunk.toString();
          const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
          if (status) {
            resolve(Number(status[1]));
            socket.end();
          }
        },
        close() {
          reject(new Error(`no answer to the upgrade of ${path}`));
        },
        connectError(_, error) {
          reject(error);
        },
      },
    }).catch(reject);
  });
}

const SESSION = "5f0c2d9e-8a41-4b7c-9e13-2a6f4d8b1c70";

/** A LobbySessionStateFrame Envelope in proto field names: two players a team, one event. */
export function frameEnvelope(index: number, session = SESSION): string {
  const player = (slot: number, team: string) => ({ name: `${team}-${slot}`, userid: 4_000_000 + slot, playerid: slot, ping: 30 + slot, stats: { points: slot, goals: 0, saves: 1 } });
  return JSON.stringify({
    frame: {
      frame_index: index,
      timestamp: new Date().toISOString(),
      events: [{ disc_possession_changed: { player_slot: index % 4, previous_player_slot: (index + 1) % 4 } }],
      session: {
        session_id: session,
        game_status: "playing",
        game_clock: 300 - (index % 300) / 10,
        match_type: "Echo_Arena",
        map_name: "mpl_arena_a",
        blue_points: 2,
        orange_points: 1,
        teams: [
          { team: "BLUE TEAM", players: [player(0, "blue"), player(1, "blue")] },
          { team: "ORANGE TEAM", players: [player(2, "orange"), player(3, "orange")] },
        ],
      },
    },
  });
}

export interface FramesResult {
  events_per_s: number;
  hist: Histogram;
  frames: number;
  failures: number;
  firstFailure?: string;
  frameBytes: number;
}

/** `connections` sockets, each with `window` frames in flight, for `durationMs` after `warmupMs`. Latency is send-to-answer. */
export async function streamFrames(base: string, { connections, window, durationMs, warmupMs }: { connections: number; window: number; durationMs: number; warmupMs: number }): Promise<FramesResult> {
  const token = await streamToken();
  const hist = new Histogram();
  let frames = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const startAt = performance.now() + warmupMs;
  const endAt = startAt + durationMs;
  const frameBytes = frameEnvelope(0).length;

  async function connection(c: number): Promise<void> {
    const ws = new WebSocket(`${base.replace(/^http/, "ws")}/v3/stream?token=${token}`);
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      ws.onerror = () => reject(new Error("/v3/stream: connection failed"));
    });
    const sentAt: number[] = [];
    let index = 0;
    const session = `${SESSION.slice(0, -2)}${String(c).padStart(2, "0")}`;
    await new Promise<void>((resolve) => {
      const send = () => {
        sentAt.push(performance.now());
        ws.send(frameEnvelope(index++, session));
      };
      ws.onmessage = (event) => {
        const t1 = performance.now();
        const t0 = sentAt.shift()!;
        const ok = (event.data as string).includes('"success":true');
        if (!ok) {
          failures++;
          firstFailure ??= String(event.data).slice(0, 200);
        } else if (t0 >= startAt && t1 <= endAt) {
          hist.record((t1 - t0) * 1000);
          frames++;
        }
        if (t1 < endAt) send();
        else if (sentAt.length === 0) resolve();
      };
      ws.onclose = () => resolve();
      for (let i = 0; i < window; i++) send();
    });
    ws.close();
  }

  await Promise.all(Array.from({ length: connections }, (_, c) => connection(c)));
  return { events_per_s: Math.round(frames / (durationMs / 1000)), hist, frames, failures, frameBytes, ...(firstFailure ? { firstFailure } : {}) };
}
