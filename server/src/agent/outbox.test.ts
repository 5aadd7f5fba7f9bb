import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FrameStream, SendResult } from "@gamejournal/client";
import { waitFor } from "../../../test/harness/ports.ts";
import { silentLogger } from "../log.ts";
import { createOutbox } from "./outbox.ts";
import { SpillFile } from "./spill-file.ts";

/** A frame stream whose answers the test gives by hand: `answer()` acknowledges the oldest message. */
function handStream() {
  const pending: Array<{ text: string; resolve(r: SendResult): void }> = [];
  const sent: string[] = [];
  let closed = false;
  const stream: FrameStream = {
    send(message) {
      const text = String(message);
      sent.push(text);
      return new Promise((resolve) => pending.push({ text, resolve }));
    },
    flush: async () => pending.length === 0,
    async close() {
      closed = true;
      return pending.splice(0).map((p) => (p.resolve({ status: "abandoned" }), p.text));
    },
    get buffered() {
      return pending.length;
    },
    inFlight: 0,
    connected: true,
    url: "ws://test/v3/stream",
  };
  return {
    stream,
    sent,
    answer: () => pending.shift()!.resolve({ status: "acknowledged", ids: ["1-0"] }),
    get closed() {
      return closed;
    },
  };
}

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "gamejournal-outbox-"));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

describe("outbox", () => {
  test("spills beyond the memory limit and keeps the order while catching up", async () => {
    using tmp = tempDir();
    const hand = handStream();
    const spill = SpillFile.open(tmp.dir);
    const outbox = createOutbox({ stream: hand.stream, spill, memoryLimit: 2, logger: silentLogger() });
    for (const m of ["m0", "m1", "m2", "m3"]) outbox.push(m);
    expect(hand.sent).toEqual(["m0", "m1"]);
    expect(spill.size).toBe(2);

    // An answer frees room; before the outbox hears of it, a new message comes: it must queue behind m2 and m3.
    hand.answer();
    outbox.push("m4");
    await waitFor("m2 to move into the stream", () => hand.sent.length === 3);
    expect(hand.sent).toEqual(["m0", "m1", "m2"]);
    for (const next of ["m3", "m4"]) {
      hand.answer();
      await waitFor(`${next} to move into the stream`, () => hand.sent.at(-1) === next);
    }
    hand.answer();
    hand.answer();
    expect(hand.sent).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    expect(await outbox.stop(100)).toEqual({ acknowledged: 5, rejected: 0, left: 0 });
    expect(readdirSync(tmp.dir)).toEqual([]);
  });

  test("a stop puts the unanswered messages back on disk ahead of the spilled ones", async () => {
    using tmp = tempDir();
    const hand = handStream();
    const outbox = createOutbox({ stream: hand.stream, spill: SpillFile.open(tmp.dir), memoryLimit: 2, logger: silentLogger() });
    for (const m of ["m0", "m1", "m2", "m3"]) outbox.push(m);
    expect(await outbox.stop(10)).toEqual({ acknowledged: 0, rejected: 0, left: 4 });
    expect(hand.closed).toBe(true);
    expect(() => outbox.push("late")).toThrow("push after stop");
    expect(SpillFile.open(tmp.dir).take(10)).toEqual(["m0", "m1", "m2", "m3"]);
  });
});
