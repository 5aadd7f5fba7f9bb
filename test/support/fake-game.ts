import type { Server } from "bun";
import { waitFor } from "../harness/index.ts";
import { defaultMatchScript, type ScriptStep } from "./fake-match.ts";

/**
 * A game client's local HTTP API on a real Bun server on a free loopback
 * port: `GET /session` and `GET /player_bones` answer the current step of a
 * script (`defaultMatchScript()` unless given). The script moves on step by
 * step (`advance`, or `advanceWhenPolled` to be sure a poller saw each step)
 * or over time (`play`).
 */
export interface FakeGame extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** `host:port`, as the agent takes it. */
  readonly address: string;
  readonly script: readonly ScriptStep[];
  /** The index of the current step. */
  readonly step: number;
  /** `/session` requests answered at the current step. */
  readonly pollsOfStep: number;
  /** `/player_bones` requests answered in all. */
  readonly bonesPolls: number;
  /** Moves to the next step (stays on the last one). */
  advance(): void;
  /** Waits until the current step was answered `polls` times, then advances. */
  advanceWhenPolled(polls?: number): Promise<void>;
  /** Advances through every step, each answered at least once; resolves once the last step was answered. */
  playThrough(polls?: number): Promise<void>;
  /** Advances every `everyMs` until the last step; returns a function that stops it. */
  play(everyMs: number): () => void;
  stop(): Promise<void>;
}

export async function startFakeGame(script: ScriptStep[] = defaultMatchScript()): Promise<FakeGame> {
  let step = 0;
  let pollsOfStep = 0;
  let bonesPolls = 0;
  const answer = (which: "session" | "bones") => {
    const { status, body } = script[step]![which];
    return Response.json(body, { status });
  };
  const server: Server<undefined> = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const { pathname } = new URL(req.url);
      if (pathname === "/session") {
        const response = answer("session");
        pollsOfStep++;
        return response;
      }
      if (pathname === "/player_bones") {
        bonesPolls++;
        return answer("bones");
      }
      return Response.json({ err_code: -1, err_description: "unknown endpoint" }, { status: 404 });
    },
  });
  const port = server.port!;

  const game: FakeGame = {
    url: `http://127.0.0.1:${port}`,
    port,
    address: `127.0.0.1:${port}`,
    script,
    get step() {
      return step;
    },
    get pollsOfStep() {
      return pollsOfStep;
    },
    get bonesPolls() {
      return bonesPolls;
    },
    advance() {
      if (step < script.length - 1) {
        step++;
        pollsOfStep = 0;
      }
    },
    async advanceWhenPolled(polls = 1) {
      await waitFor(`step ${step} (${script[step]!.name}) to be polled`, () => pollsOfStep >= polls, { intervalMs: 2 });
      game.advance();
    },
    async playThrough(polls = 1) {
      while (step < script.length - 1) await game.advanceWhenPolled(polls);
      await waitFor("the last step to be polled", () => pollsOfStep >= polls, { intervalMs: 2 });
    },
    play(everyMs) {
      const timer = setInterval(() => (step < script.length - 1 ? game.advance() : clearInterval(timer)), everyMs);
      return () => clearInterval(timer);
    },
    async stop() {
      await server.stop(true);
    },
    async [Symbol.asyncDispose]() {
      await game.stop();
    },
  };
  return game;
}
