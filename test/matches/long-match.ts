import { RTAPI_STREAM, type MatchSummary } from "@gamejournal/shared";
import type { Subprocess } from "bun";
import { applyEntry, emptyAggregate, toSummary } from "../../server/src/matches/index.ts";
import { scriptFrame, type ScriptedPlayer } from "../support/match-script.ts";

/**
 * A long scripted match under a session of its own (default seven rounds of
 * 60 frames): pings move every frame, stats rise every few frames, a player
 * leaves and rejoins, each round ends on the scoreboard, the last with the
 * match's end.
 */
export function longMatch(session: string, { rounds = 7, perRound = 60 }: { rounds?: number; perRound?: number } = {}) {
  const frames: Array<Record<string, unknown>> = [];
  let blueWins = 0;
  let orangeWins = 0;
  for (let r = 0; r < rounds; r++) {
    for (let f = 0; f < perRound; f++) {
      const second = r * perRound + f;
      const last = f === perRound - 1;
      if (last) (r % 3 === 2 ? orangeWins++ : blueWins++);
      const stat = (base: number) => Math.floor(second / (5 + base));
      const player = (name: string, account: number, slot: number, base: number): ScriptedPlayer => ({
        name,
        account,
        slot,
        ping: 20 + ((second * (slot + 3)) % 70),
        stats: { goals: stat(base), points: 2 * stat(base), saves: stat(base + 2), passes: stat(base + 1), possession_time: second / (slot + 2) },
      });
      const deltaAway = r === Math.min(3, rounds - 1) && f >= Math.floor(perRound / 6) && f < Math.floor(perRound / 2);
      const spec = {
        second,
        status: second === 0 ? "pre_match" : "playing",
        blue: [player("alpha", 2001, 0, 1), player("bravo", 2002, 1, 2)],
        orange: [player("charlie", 2003, 2, 3), ...(deltaAway ? [] : [player("delta", 2004, 3, 4)])],
        rounds: [blueWins, orangeWins] as [number, number],
        events: [
          ...(f === 0 ? [{ round_started: { round_number: r + 1 } }] : []),
          ...(last && r === rounds - 1 ? [{ match_ended: { winning_team: "BLUE TEAM" } }] : []),
        ],
      };
      if (last && r === rounds - 1) spec.status = "post_match";
      frames.push(scriptFrame(spec, { session }).raw);
    }
  }
  return frames;
}

/** The summary folded from scratch, in one pass, as a worker that never crashed would. */
export function foldedFromScratch(matchId: string, frames: Array<Record<string, unknown>>) {
  let aggregate = emptyAggregate(matchId);
  frames.forEach((frame, i) => {
    aggregate = applyEntry(aggregate, RTAPI_STREAM, { id: `${1_000 + i}-0`, type: "frame", match_id: matchId, ts: 1_000 + i, data: { frame, node: "default-node" } });
  });
  return toSummary(aggregate);
}

/** A `gamejournal serve` process on `port` (AUTH_MODE=open, errors only on stderr, matches never ended for inactivity). */
export function startServeProcess(port: number, env: Record<string, string>): Subprocess {
  return Bun.spawn(["bun", "server/src/main.ts", "serve"], {
    env: { ...process.env, AUTH_MODE: "open", ...env, SERVER_ADDRESS: `127.0.0.1:${port}`, LOG_LEVEL: "error", MATCH_INACTIVITY_TIMEOUT_SECONDS: "3600" },
    stdout: "ignore",
    stderr: "inherit",
  });
}

/** Posts a frame to `url` until it is accepted (frames are idempotent, so a retry after a crash stores it once). */
export async function postFrame(url: string, frame: Record<string, unknown>): Promise<boolean> {
  const res = await fetch(`${url}/session-events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(frame) }).catch(() => null);
  return res?.status === 200;
}

/** The stored summary of `matchId`, or null while there is none. */
export async function storedSummary(url: string, matchId: string): Promise<MatchSummary | null> {
  const res = await fetch(`${url}/v1/matches/${matchId}`).catch(() => null);
  return res?.status === 200 ? ((await res.json()) as MatchSummary) : null;
}
