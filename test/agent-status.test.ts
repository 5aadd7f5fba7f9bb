import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { startAgent } from "../server/src/agent/index.ts";
import { waitFor } from "./harness/index.ts";
import { startFakeGame } from "./support/fake-game.ts";
import { startStreamStandIn } from "./support/stream-stand-in.ts";

const TOKEN = "agent-status-token";

describe("the agent's status line", () => {
  test("reports per game what was polled, sent, acknowledged and spilled, periodically and on demand", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gamejournal-agent-status-"));
    const lines: Array<{ msg: string; targets?: Record<string, Record<string, number>> }> = [];
    const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
    try {
      await using server = await startStreamStandIn({ token: TOKEN });
      await using game = await startFakeGame();
      const agent = startAgent(
        {
          games: [game.url],
          frequencyHz: 100,
          bones: false,
          filter: { allFrames: false, activeOnly: false, excludePaused: false, includeModes: [], excludeModes: [] },
          events: { url: server.url, token: TOKEN },
          spillDir: dir,
          idleIntervalMs: 20,
          statusIntervalMs: 50,
          stream: { retryDelayMs: () => 20 },
        },
        { logger },
      );
      await game.playThrough();
      await waitFor("frames acknowledged", () => (agent.status().targets[game.url]?.acknowledged ?? 0) > 0 && server.frames().length === agent.status().targets[game.url]!.acknowledged);
      await waitFor("a status line", () => lines.some((l) => l.msg.startsWith("status: ") && (l.targets?.[game.url]?.acknowledged ?? 0) > 0));
      const report = await agent.stop();
      const status = agent.status();
      const counts = status.targets[game.url]!;
      expect(counts).toEqual({ polled: report.frames, sent: report.frames, spilled: 0, acknowledged: report.acknowledged, rejected: 0 });
      const line = lines.find((l) => l.msg.startsWith("status: "))!.msg;
      expect(line).toMatch(/^status: 127\.0\.0\.1:\d+ polled \d+, sent \d+, acked \d+, spilled \d+, rejected \d+; on disk \d+$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
