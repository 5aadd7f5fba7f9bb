import { describe, expect, test } from "bun:test";
import type { Subprocess } from "bun";
import { waitFor } from "../harness/index.ts";
import { track } from "../harness/processes.ts";
import { openMongoFixture, openSqliteFixture, type EventStoreFixture } from "./backends.ts";
import { ids } from "./event-helpers.ts";

/** Reads a child's stdout line by line into `lines` as they arrive. */
function collectLines(child: Subprocess<"ignore", "pipe", "inherit">, lines: string[]): void {
  void (async () => {
    const reader = child.stdout.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      buffer += decoder.decode(chunk.value, { stream: true });
      const parts = buffer.split("\n");
      buffer = parts.pop()!;
      lines.push(...parts);
    }
  })();
}

const backends: Array<[string, () => Promise<EventStoreFixture & { writerArgs: (gameId: string, prefix: string) => string[]; rawCount?: (gameId: string) => Promise<number> }>]> = [
  [
    "sqlite",
    async () => {
      const fx = await openSqliteFixture();
      return Object.assign(fx, { writerArgs: (gameId: string, prefix: string) => ["sqlite", fx.path, gameId, prefix] });
    },
  ],
  [
    "mongodb",
    async () => {
      const fx = await openMongoFixture();
      const url = fx.client.options.hosts.map((h) => `mongodb://${h.host}:${h.port}/`)[0]!;
      return Object.assign(fx, {
        writerArgs: (gameId: string, prefix: string) => ["mongodb", url, fx.database, gameId, prefix],
        rawCount: (gameId: string) => fx.client.db(fx.database).collection("events").countDocuments({ gameId }),
      });
    },
  ],
];

describe.each(backends)("game event store on %s, its writer killed with SIGKILL mid-append", (_name, makeFixture) => {
  test("loses no acknowledged command, shows no partial one, and a retry applies the interrupted one exactly once", async () => {
    await using fx = await makeFixture();
    const store = await fx.open();
    const acked = new Map<string, number>();
    for (let round = 0; round < 3; round++) {
      const lines: string[] = [];
      const child = track(
        Bun.spawn(["bun", `${import.meta.dir}/append-forever.ts`, ...fx.writerArgs("crash", `r${round}`)], { stdout: "pipe", stderr: "inherit" }),
      ) as Subprocess<"ignore", "pipe", "inherit">;
      collectLines(child, lines);
      const killAfter = 3 + Math.floor(Math.random() * 12);
      await waitFor(`${killAfter} acknowledged appends`, () => lines.filter((l) => l.startsWith("ack ")).length >= killAfter, { timeoutMs: 30_000 });
      child.kill("SIGKILL");
      await child.exited;
      for (const line of lines.filter((l) => l.startsWith("ack "))) {
        const [, commandId, version] = line.split(" ");
        acked.set(commandId!, Number(version));
      }

      const log = await store.read("crash", { limit: 10_000 });
      expect(ids(log)).toEqual(Array.from({ length: log.length }, (_, i) => i + 1));
      const byCommand = new Map<string, typeof log>();
      for (const event of log) byCommand.set(event.commandId!, [...(byCommand.get(event.commandId!) ?? []), event]);
      for (const [commandId, events] of byCommand) {
        // All three events of a command or none, contiguous and in order.
        expect(events.map((e) => (e.data as { n: number }).n), commandId).toEqual([0, 1, 2]);
        expect(events[2]!.eventId - events[0]!.eventId).toBe(2);
      }
      for (const [commandId, version] of acked) expect(byCommand.get(commandId)?.at(-1)?.eventId, commandId).toBe(version);

      // The client retries what it sent last and saw no answer for: applied once, whether or not it had landed.
      const [, pending, expected] = lines.filter((l) => l.startsWith("try ")).at(-1)!.split(" ");
      const landed = byCommand.has(pending!);
      const retried = await store.append("crash", Number(expected), [0, 1, 2].map((n) => ({ type: `E${n}`, playerId: 1, data: { commandId: pending, n } })), pending!);
      expect(retried.duplicate).toBe(landed);
      expect(retried.version).toBe(landed ? byCommand.get(pending!)!.at(-1)!.eventId : Number(expected) + 3);
      acked.set(pending!, retried.version);
      const version = await store.version("crash");
      expect(version).toBe(log.length + (landed ? 0 : 3));
      // Every event's own document is there again once the interrupted command was retried.
      if (fx.rawCount) expect(await fx.rawCount("crash")).toBe(version);
    }
    const finalLog = await store.read("crash", { limit: 10_000 });
    expect(new Set(finalLog.map((e) => e.commandId)).size).toBe(finalLog.length / 3);
    expect(finalLog.length / 3).toBe(acked.size);
  }, 120_000);
});
