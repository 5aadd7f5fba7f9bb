import type { Logger } from "../log.ts";
import { sleep } from "../util/abort.ts";
import type { FrameBuilder, OutgoingFrame } from "./frame-builder.ts";
import { readGameSession, readPlayerBones } from "./game-json.ts";
import type { Clock } from "../platform/clock.ts";
import { messageOf } from "../errors.ts";

export interface GamePollerOptions {
  /** The game client's HTTP API, e.g. `http://127.0.0.1:6721`. */
  baseUrl: string;
  /** Time between polls while the game answers. */
  intervalMs: number;
  /** Time between polls while nothing answers on the address. */
  idleIntervalMs: number;
  /** Also fetch `/player_bones` and put it in the frame. */
  bones: boolean;
  builder: FrameBuilder;
  /** Receives each frame that passed the builder's filters, in order. */
  emit: (frame: OutgoingFrame) => void;
  logger: Logger;
  /** The clock frames are stamped with (epoch ms). */
  clock: Clock;
  /** Stops the loop; a request in progress is abandoned. */
  signal: AbortSignal;
  fetch?: typeof fetch;
  /** How long one request may take (default 2 s). */
  requestTimeoutMs?: number;
}

type Fetched = { ok: true; status: number; body: unknown } | { ok: false; error: string };

/**
 * Polls one game's `GET /session` (and `GET /player_bones`) until `signal`
 * aborts, and feeds every snapshot of a match to the frame builder. While
 * the game is between matches (a non-200 answer, `err_code` ≠ 0, no session
 * id) or not running at all, it waits quietly: one log line when that state
 * begins, none per poll. Never rejects.
 */
export async function pollGame(options: GamePollerOptions): Promise<void> {
  const { baseUrl, logger, signal } = options;
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.requestTimeoutMs ?? 2_000;
  let state = "";
  const enter = (next: string, log: () => void) => {
    if (state !== next) log();
    state = next;
  };

  async function getJson(path: string): Promise<Fetched> {
    try {
      const res = await doFetch(`${baseUrl}${path}`, { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { ok: true, status: res.status, body };
    } catch (error) {
      return { ok: false, error: messageOf(error) };
    }
  }

  while (!signal.aborted) {
    const started = performance.now();
    const [session, bones] = await Promise.all([getJson("/session"), options.bones ? getJson("/player_bones") : undefined]);
    if (signal.aborted) break;
    let delay = options.intervalMs;
    if (!session.ok) {
      enter("unreachable", () => logger.debug({ game: baseUrl, error: session.error }, "game not answering; waiting"));
      delay = options.idleIntervalMs;
    } else {
      const read = session.status === 200 ? readGameSession(session.body) : ({ kind: "no-match", reason: `HTTP ${session.status}` } as const);
      if (read.kind === "no-match") {
        enter("no-match", () => logger.info({ game: baseUrl, reason: read.reason }, "game between matches; waiting"));
      } else {
        enter(`match:${read.sessionId}`, () => logger.info({ game: baseUrl, session_id: read.sessionId }, "streaming match"));
        const playerBones = bones?.ok && bones.status === 200 ? readPlayerBones(bones.body) : undefined;
        const frame = options.builder.next(read, playerBones, options.clock.now());
        if (frame) {
          try {
            options.emit(frame);
          } catch (error) {
            logger.error({ game: baseUrl, err: error }, "could not hand a frame on");
          }
        }
      }
    }
    await sleep(Math.max(0, delay - (performance.now() - started)), signal);
  }
}
