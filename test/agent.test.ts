import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Frame } from "../shared/src/frames.ts";
import { startAgent, type AgentOptions } from "../server/src/agent/index.ts";
import { silentLogger } from "../server/src/log.ts";
import { waitFor } from "./harness/index.ts";
import { startFakeGame, type FakeGame } from "./support/fake-game.ts";
import { defaultMatchScript, type ScriptStep } from "./support/fake-match.ts";
import { startStreamStandIn } from "./support/stream-stand-in.ts";

const TOKEN = "agent-test-token";
const SESSION = "7c3a3c9e-5b1d-4f7e-9d8a-2f6b3e1c0a42";

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "gamejournal-agent-"));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An agent in this process polling `game` fast, streaming to `eventsUrl` (or to `lines` when unset). */
function runAgent(game: FakeGame, spillDir: string, eventsUrl: string | undefined, over: Partial<AgentOptions> = {}) {
  const lines: string[] = [];
  const agent = startAgent(
    {
      games: [game.url],
      frequencyHz: 100,
      bones: true,
      filter: { allFrames: false, activeOnly: false, excludePaused: false, includeModes: [], excludeModes: [], ...over.filter },
      events: eventsUrl ? { url: eventsUrl, token: TOKEN, nodeId: "node-a" } : undefined,
      spillDir,
      idleIntervalMs: 20,
      stream: { retryDelayMs: () => 20 },
      ...over,
    },
    { logger: silentLogger(), write: (line) => lines.push(line) },
  );
  return { agent, lines, [Symbol.asyncDispose]: () => agent.stop(0).then(() => {}) };
}

const typesOf = (frame: Frame) => (frame.events ?? []).map((e) => Object.keys(e)[0]);
const withEvents = (script: readonly ScriptStep[]) => script.filter((s) => s.events.length > 0).map((s) => s.events);
const indexes = (frames: Frame[]) => frames.map((f) => f.frame_index);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("agent stream, end to end against a fake game and a /v3/stream stand-in", () => {
  test("streams the scripted match: only frames with events, numbered from 0 without gaps, in proto names", async () => {
    using tmp = tempDir();
    await using server = await startStreamStandIn({ token: TOKEN });
    await using game = await startFakeGame();
    await using run = runAgent(game, tmp.dir, server.url);
    await game.playThrough();
    const expected = withEvents(game.script);
    await waitFor("every frame with events", () => server.frames().length === expected.length);
    const report = await run.agent.stop();

    const frames = server.frames();
    expect(frames.map(typesOf)).toEqual(expected);
    expect(indexes(frames)).toEqual(range(expected.length));
    expect(report).toEqual({ frames: expected.length, acknowledged: expected.length, rejected: 0, left: 0 });
    expect(server.upgrades[0]).toMatchObject({ authorization: `Bearer ${TOKEN}`, nodeId: "node-a" });

    const times = frames.map((f) => Date.parse(f.timestamp!));
    expect(times.every((t, i) => Number.isFinite(t) && (i === 0 || t >= times[i - 1]!))).toBe(true);
    const first = frames[0]!;
    expect(first.session).toMatchObject({ session_id: SESSION, game_status: "pre_match", match_type: "Echo_Arena" });
    expect(first.session.sessionid).toBeUndefined();
    expect(first.session.teams![0]!.players![0]).toMatchObject({ display_name: "alice", account_number: "1001", slot_number: 0, has_possession: false });
    expect(first.events![0]).toMatchObject({ player_joined: { player: { display_name: "alice" }, role: 1 } });
    expect((first.player_bones as { user_bones: unknown[] }).user_bones).toHaveLength(2);
    const goal = frames.find((f) => typesOf(f).includes("goal_scored"))!;
    expect(goal.events).toContainEqual({ player_goal: { player_slot: 2, total_goals: 1, points: 2 } });
    expect(goal.events).toContainEqual({ scoreboard_updated: { blue_points: 2, orange_points: 0, blue_round_score: 0, orange_round_score: 0, game_clock_display: expect.any(String) } });
    expect(frames.at(-1)!.events).toEqual([{ match_ended: { winning_team: 1 } }]);
  });

  test("--all-frames sends every polled frame of the match; --exclude-bones never asks for bones", async () => {
    using tmp = tempDir();
    await using server = await startStreamStandIn({ token: TOKEN });
    await using game = await startFakeGame();
    await using run = runAgent(game, tmp.dir, server.url, { bones: false, filter: { allFrames: true, activeOnly: false, excludePaused: false, includeModes: [], excludeModes: [] } });
    await game.playThrough(2);
    const report = await run.agent.stop();

    const frames = server.frames();
    const matchSteps = game.script.filter((s) => s.session.status === 200 && s.session.body.err_code === 0).length;
    expect(frames.length).toBeGreaterThanOrEqual(matchSteps * 2);
    expect(report.acknowledged).toBe(frames.length);
    expect(indexes(frames)).toEqual(range(frames.length));
    expect(frames.some((f) => f.events!.length === 0)).toBe(true);
    expect(frames.filter((f) => f.events!.length > 0).map(typesOf)).toEqual(withEvents(game.script));
    expect(frames.every((f) => f.player_bones === undefined)).toBe(true);
    expect(game.bonesPolls).toBe(0);
  });

  test("--active-only keeps frames of active play; match type filters are case-insensitive", async () => {
    using tmp = tempDir();
    await using server = await startStreamStandIn({ token: TOKEN });
    await using game = await startFakeGame();
    const filter = { allFrames: false, activeOnly: true, excludePaused: false, includeModes: ["echo_arena"], excludeModes: [] };
    await using run = runAgent(game, tmp.dir, server.url, { filter });
    await game.playThrough();
    await run.agent.stop();
    const active = game.script.filter((s) => ["playing", "paused"].includes(s.session.body.game_status as string));
    expect(server.frames().map(typesOf)).toEqual(withEvents(active));
    expect(server.frames().map((f) => f.session.game_status)).not.toContain("score");

    await using excluded = await startFakeGame();
    await using none = runAgent(excluded, tmp.dir, server.url, { filter: { ...filter, activeOnly: false, includeModes: [], excludeModes: ["ECHO_ARENA"] } });
    await excluded.playThrough();
    expect(await none.agent.stop()).toMatchObject({ frames: 0 });
  });

  test("survives the events API going away: spills to disk, reconnects, resends, loses nothing", async () => {
    using tmp = tempDir();
    await using server = await startStreamStandIn({ token: TOKEN });
    await using game = await startFakeGame();
    await using run = runAgent(game, tmp.dir, server.url, { memoryLimit: 2 });
    // The first frames arrive, then the server goes away for the rest of the match.
    while (server.frames().length < 3) await game.advanceWhenPolled();
    await server.stop();
    await game.playThrough();
    const expected = withEvents(game.script);
    await waitFor("all frames produced", () => run.agent.frames === expected.length);
    const spilled = readdirSync(tmp.dir).map((name) => readFileSync(join(tmp.dir, name), "utf8"));
    expect(spilled.join("").split("\n").filter(Boolean).length).toBeGreaterThan(0);

    await server.restart();
    await waitFor("every frame after the outage", () => server.frames().length === expected.length);
    expect(server.frames().map(typesOf)).toEqual(expected);
    expect(indexes(server.frames())).toEqual(range(expected.length));
    expect(await run.agent.stop()).toMatchObject({ left: 0, rejected: 0 });
    expect(readdirSync(tmp.dir)).toEqual([]);
  });

  test("a stop while the events API is down leaves the frames on disk, and the next run sends them first", async () => {
    using tmp = tempDir();
    await using server = await startStreamStandIn({ token: TOKEN });
    await server.stop();
    const expected = withEvents(defaultMatchScript());
    {
      await using game = await startFakeGame();
      const run = runAgent(game, tmp.dir, server.url);
      await game.playThrough();
      await waitFor("all frames produced", () => run.agent.frames === expected.length);
      expect(await run.agent.stop(50)).toMatchObject({ acknowledged: 0, left: expected.length });
    }
    expect(readdirSync(tmp.dir)).toHaveLength(1);

    await server.restart();
    await using lobby = await startFakeGame(defaultMatchScript().slice(0, 1));
    await using next = runAgent(lobby, tmp.dir, server.url);
    await waitFor("the previous run's frames", () => server.frames().length === expected.length);
    expect(server.frames().map(typesOf)).toEqual(expected);
    expect(await next.agent.stop()).toMatchObject({ frames: 0, acknowledged: expected.length, left: 0 });
  });

  test("without --events-stream, frames are Envelope JSON lines on the output", async () => {
    using tmp = tempDir();
    await using game = await startFakeGame();
    await using run = runAgent(game, tmp.dir, undefined);
    await game.playThrough();
    await run.agent.stop();
    const envelopes = run.lines.map((line) => JSON.parse(line) as { frame: Frame });
    expect(run.lines.every((line) => line.endsWith("\n"))).toBe(true);
    expect(envelopes.map((e) => typesOf(e.frame))).toEqual(withEvents(game.script));
  });
});

describe("gamejournal agent stream, the command", () => {
  const main = join(import.meta.dir, "..", "server", "src", "main.ts");

  test("--help lists the agent command", async () => {
    const help = Bun.spawn(["bun", main, "--help"], { stdout: "pipe" });
    expect(await new Response(help.stdout).text()).toMatch(/^\s+agent\s+poll game clients/m);
    expect(await help.exited).toBe(0);
  });

  test("a bad game address stops it with exit code 2 and a line naming the argument", async () => {
    const proc = Bun.spawn(["bun", main, "agent", "stream", "--events-stream", "localhost"], { stdout: "pipe", stderr: "pipe" });
    expect(await proc.exited).toBe(2);
    expect(await new Response(proc.stderr).text()).toContain('error: targets: "localhost": expected host:port');
  });

  test("streams a match, waits quietly between matches, and stops on SIGINT with exit code 0", async () => {
    using tmp = tempDir();
    await using server = await startStreamStandIn({ token: TOKEN });
    await using game = await startFakeGame();
    const proc = Bun.spawn(
      ["bun", main, "agent", "stream", "--events-stream", "--events-url", server.url, "--jwt-token", TOKEN, "-f", "50", "--spill-dir", tmp.dir, game.address],
      { cwd: tmp.dir, stdout: "pipe", stderr: "pipe", env: { ...process.env, LOG_LEVEL: "info" } },
    );
    await game.advanceWhenPolled(5); // a while in the lobby first
    await game.playThrough();
    const expected = withEvents(game.script);
    await waitFor("every frame with events", () => server.frames().length === expected.length);
    // The agent polls one request at a time: a second poll of the final, between-matches step
    // means it has handled (and logged) the first before the signal arrives.
    await waitFor("the final step to be polled twice", () => game.pollsOfStep >= 2);
    proc.kill("SIGINT");
    expect(await proc.exited).toBe(0);

    expect(server.frames().map(typesOf)).toEqual(expected);
    const logs = (await new Response(proc.stderr).text()).trim().split("\n").map((line) => JSON.parse(line) as { msg: string });
    expect(logs.filter((l) => l.msg === "game between matches; waiting")).toHaveLength(2);
    expect(logs.at(-1)).toMatchObject({ msg: "stopped", acknowledged: expected.length, left: 0 });
    expect(await new Response(proc.stdout).text()).toBe("");
  });
});
