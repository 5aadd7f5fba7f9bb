import { describe, expect, test } from "bun:test";
import { FrameSchema, normalizeKeys, type Frame } from "@gamejournal/shared";
import { lobbyWrites } from "../telemetry/lobby-writes.ts";
import { frameKeyOf, frameWrite } from "./ingest.ts";
import { sessionEventOfEntry } from "./session-events-worker.ts";
import { toSessionEvent } from "./session-event.ts";

const S = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const frameOf = (extra: object = {}): Frame =>
  FrameSchema.parse(normalizeKeys({ frameIndex: 3, timestamp: "2025-03-01T12:00:00.5Z", events: [{ goalScored: {} }, { playerGoal: {} }, { goalScored: {} }], session: { sessionid: S.toUpperCase() }, ...extra }));
const sender = { userId: "u1", node: "n1" };

/** A frame's writes as the journal makes them: its own, then those the one telemetry write path derives. */
const frameWrites = (frame: Frame, from: typeof sender, now: number, lobbyStreamMaxLen: number) => {
  const own = frameWrite(frame, from, now);
  return [own, ...lobbyWrites(lobbyStreamMaxLen)(own)] as const;
};

describe("frameWrites", () => {
  test("one event on events:rtapi and the same on the lobby's capped stream", () => {
    const [rtapi, lobby] = frameWrites(frameOf(), sender, 1_000, 500);
    expect(rtapi).toEqual({
      stream: "events:rtapi",
      event: {
        type: "frame",
        mode: 0x16,
        lobby_id: S,
        match_id: `${S}.n1`,
        user_id: "u1",
        ts: 1_000,
        data: { frame: frameOf(), node: "n1", event_types: ["goal_scored", "player_goal"] },
        key: frameKeyOf(frameOf(), sender)!,
      },
    });
    expect(lobby).toEqual({ stream: `lobby:{${S}}:events`, event: rtapi.event, maxLen: 500 });
  });

  test("no user: no user_id field", () => {
    expect(frameWrites(frameOf(), { userId: "", node: "n1" }, 1, 1)[0].event).not.toHaveProperty("user_id");
  });
});

describe("frameKeyOf", () => {
  test("is the stored event's id, so the journal and the store agree on what a repeat is", () => {
    const frame = frameOf();
    expect(frameKeyOf(frame, sender)).toBe(`frame:${toSessionEvent(frame, { ...sender, receivedAt: 0, now: 0 }).id}`);
  });

  test("changes with the node, the user, the index and the timestamp, not with other content", () => {
    const key = frameKeyOf(frameOf(), sender);
    expect(frameKeyOf(frameOf({ session: { sessionid: S, game_status: "x" } }), sender)).toBe(key!);
    expect(frameKeyOf(frameOf(), { ...sender, node: "n2" })).not.toBe(key);
    expect(frameKeyOf(frameOf(), { ...sender, userId: "u2" })).not.toBe(key);
    expect(frameKeyOf(frameOf({ frameIndex: 4 }), sender)).not.toBe(key);
    expect(frameKeyOf(frameOf({ timestamp: "2025-03-01T12:00:00.501Z" }), sender)).not.toBe(key);
  });

  test("a frame without a timestamp has none", () => {
    expect(frameKeyOf(frameOf({ timestamp: undefined }), sender)).toBeUndefined();
  });
});

describe("sessionEventOfEntry", () => {
  const entryOf = (data: unknown, user_id?: string) => ({ id: "1740830400123-0", type: "frame", ts: 1, data, ...(user_id ? { user_id } : {}) });

  test("the session event of a frame entry; a frame without a timestamp takes the entry id's time", () => {
    const frame = frameOf({ timestamp: undefined });
    const event = sessionEventOfEntry("1740830400123-0", entryOf({ frame, node: "n1", event_types: [] }, "u1"), 5);
    expect(event).toEqual(toSessionEvent(frame, { userId: "u1", node: "n1", receivedAt: 1740830400123, now: 5 }));
    expect(event!.timestamp).toEqual(new Date(1740830400123));
  });

  test.each([
    ["no data", null],
    ["no node", { frame: frameOf() }],
    ["a bad node", { frame: frameOf(), node: "a b" }],
    ["no frame", { node: "n" }],
    ["a frame without a session id", { frame: { session: {} }, node: "n" }],
    ["a frame with an unstorable key", { frame: { ...frameOf(), "$x": 1 }, node: "n" }],
  ])("%s: undefined", (_, data) => {
    expect(sessionEventOfEntry("1-0", entryOf(data), 0)).toBeUndefined();
  });
});
