import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAgent } from "../server/src/agent/index.ts";
import { silentLogger } from "../server/src/log.ts";
import { waitFor } from "./harness/index.ts";
import { BACKENDS, getJson, newSession, serverOn, waitForStored, type Backend } from "./sessions/ingest-fixtures.ts";
import { startFakeGame } from "./support/fake-game.ts";
import { defaultMatchScript, type ScriptStep } from "./support/fake-match.ts";
import { startTestServer } from "./support/server.ts";

/** The event types the server stores per frame: the agent's, without repeats. */
const expectedTypes = (script: readonly ScriptStep[]) => script.filter((s) => s.events.length > 0).map((s) => [...new Set(s.events)]);

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "gamejournal-agent-e2e-"));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

async function graphql(url: string, query: string) {
  const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) });
  return ((await res.json()) as { data: any }).data;
}

for (const backend of Object.keys(BACKENDS) as Backend[]) {
  describe(`agent → real server → storage → reads, on ${backend}`, () => {
    test("a scripted match streamed by the agent is stored frame by frame and reads back over REST and GraphQL", async () => {
      using tmp = tempDir();
      const session = newSession();
      // The default event size limit (64 KiB): frames with bones fit.
      await using server = await serverOn(backend, { JOURNAL_MAX_EVENT_BYTES: "65536" });
      await using game = await startFakeGame(defaultMatchScript(session));
      const token = await server.services.auth.sign("agent-1");
      const agent = startAgent(
        {
          games: [game.url],
          frequencyHz: 100,
          bones: true,
          filter: { allFrames: false, activeOnly: false, excludePaused: false, includeModes: [], excludeModes: [] },
          events: { url: server.url, token, nodeId: "node-a" },
          spillDir: tmp.dir,
          idleIntervalMs: 20,
          stream: { retryDelayMs: () => 20 },
        },
        { logger: silentLogger() },
      );
      await game.playThrough();
      const expected = expectedTypes(game.script);
      const stored = await waitForStored(server, session, expected.length);
      expect(await agent.stop()).toMatchObject({ frames: expected.length, acknowledged: expected.length, rejected: 0, left: 0 });

      expect(stored.map((e) => e.event_types)).toEqual(expected);
      expect(stored.map((e) => e.frame.frame_index)).toEqual(expected.map((_, i) => i));
      expect(new Set(stored.map((e) => e.user_id))).toEqual(new Set(["agent-1"]));
      expect(stored.at(-1)!.frame.events).toEqual([{ match_ended: { winning_team: 1 } }]);
      // Bones are fetched beside the session snapshot, in a second request: a loaded machine can let the
      // scripted game take its next step (a third player joins) between the two.
      const bones = stored[0]!.frame.player_bones.user_bones as Array<{ bone_t: number[]; bone_o: number[] }>;
      expect(bones.length).toBeGreaterThanOrEqual(2);
      for (const b of bones) expect([b.bone_t.length, b.bone_o.length]).toEqual([69, 92]);

      const match = await getJson(server, `/session-events/${session}.node-a`);
      expect(match.body.count).toBe(expected.length);

      const data = await graphql(
        server.url,
        `{ lobbySession(id: "${session}") { totalEvents events(limit: 1000) { totalCount edges { node { matchId userId eventTypes frameData } } } } }`,
      );
      expect(data.lobbySession.totalEvents).toBe(expected.length);
      expect(data.lobbySession.events.edges.map((e: any) => e.node.eventTypes)).toEqual(expected);
      expect(data.lobbySession.events.edges[0].node).toMatchObject({ matchId: `${session}.node-a`, userId: "agent-1" });
    });
  });
}

describe("gamejournal agent stream and gamejournal token, as commands, against a real server", () => {
  const main = join(import.meta.dir, "..", "server", "src", "main.ts");

  test("a token printed by `gamejournal token` from the server's DATA_DIR lets the agent command stream a match into storage", async () => {
    using tmp = tempDir();
    const session = newSession();
    await using server = await startTestServer();
    const tokenProc = Bun.spawn(["bun", main, "token", "--sub", "cli-agent", "--ttl", "10m"], {
      env: { ...process.env, DATA_DIR: server.dataDir, JWT_SECRET: "" },
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(await tokenProc.exited).toBe(0);
    const token = (await new Response(tokenProc.stdout).text()).trim();
    expect(await server.services.auth.verify(token)).toMatchObject({ sub: "cli-agent", scopes: ["ingest"], via: "token" });
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { iat: number; exp: number };
    expect(claims.exp - claims.iat).toBe(600);

    await using game = await startFakeGame(defaultMatchScript(session));
    const agent = Bun.spawn(
      ["bun", main, "agent", "stream", "--events-stream", "--events-url", server.url, "--jwt-token", token, "--node-id", "cli-node", "-f", "50", "--spill-dir", tmp.dir, game.address],
      { cwd: tmp.dir, stdout: "pipe", stderr: "pipe", env: { ...process.env, LOG_LEVEL: "warn" } },
    );
    try {
      await game.playThrough();
      const expected = expectedTypes(game.script);
      const stored = await waitForStored(server, session, expected.length);
      expect(stored.map((e) => e.event_types)).toEqual(expected);
      expect(new Set(stored.map((e) => e.user_id))).toEqual(new Set(["cli-agent"]));
      await waitFor("match events readable by match id", async () => (await getJson(server, `/session-events/${session}.cli-node`)).body.count === expected.length);
    } finally {
      agent.kill("SIGINT");
      expect(await agent.exited).toBe(0);
    }
  });
});
