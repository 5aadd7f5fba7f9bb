import { describe, expect, test } from "bun:test";
import { DEFAULT_NODE, FrameSchema, normalizeKeys, parseMatchId, toMatchId, type Frame } from "@gamejournal/shared";
import { ValidationError } from "../errors.ts";
import { nestedArrayOf, nodeIdOf, toSessionEvent, unstorableKeyOf } from "./session-event.ts";

const LOBBY = "6F1C2A3B-4D5E-4F60-8A7B-9C0D1E2F3A4B";
const lobby = LOBBY.toLowerCase();

function frame(fields: Record<string, unknown>): Frame {
  return FrameSchema.parse(normalizeKeys({ session: { sessionID: LOBBY }, ...fields })) as Frame;
}

describe("match ids", () => {
  test("are <lower-cased session uuid>.<node> and parse back", () => {
    expect(toMatchId(LOBBY, "node-1")).toBe(`${lobby}.node-1`);
    expect(parseMatchId(`${LOBBY}.node.with.dots`)).toEqual({ lobby_session_id: lobby, node: "node.with.dots" });
  });

  test.each(["", "abc.node", `${lobby}`, `${lobby}.`, `${lobby}-node`, `${lobby}.a/b`, `${lobby}.a b`])("%p is not a match id", (value) => {
    expect(parseMatchId(value)).toBeUndefined();
  });
});

describe("nodeIdOf", () => {
  test("defaults to default-node and trims", () => {
    expect(nodeIdOf(null)).toBe(DEFAULT_NODE);
    expect(nodeIdOf("  ")).toBe(DEFAULT_NODE);
    expect(nodeIdOf(" n1 ")).toBe("n1");
  });

  test("rejects a node that cannot be part of a match id path, naming the header", () => {
    for (const bad of ["a/b", "a b", "x".repeat(129)]) {
      try {
        nodeIdOf(bad);
        throw new Error("expected a ValidationError");
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).field).toBe("X-Node-ID");
      }
    }
  });
});

describe("toSessionEvent", () => {
  const receivedAt = Date.parse("2025-01-01T00:00:10Z");
  const now = Date.parse("2025-01-01T00:00:11Z");

  test("fills the seeds' fields from the frame, the sender and the node", () => {
    const event = toSessionEvent(
      frame({ frameIndex: 4, timestamp: "2025-01-01T00:00:05.250+01:00", events: [{ goal_scored: {} }, { player_goal: {} }, { goal_scored: {} }] }),
      { userId: "u1", node: "n1", receivedAt, now },
    );
    expect(event).toMatchObject({
      lobby_session_id: lobby,
      match_id: `${lobby}.n1`,
      node: "n1",
      user_id: "u1",
      frame_index: 4,
      event_types: ["goal_scored", "player_goal"],
      timestamp: new Date("2024-12-31T23:00:05.250Z"),
      created_at: new Date(now),
      updated_at: new Date(now),
    });
    expect(event.frame.frame_index).toBe(4);
  });

  test("falls back to the receive time, default-node, no user and frame index -1", () => {
    const event = toSessionEvent(frame({}), { receivedAt, now });
    expect(event).toMatchObject({ timestamp: new Date(receivedAt), node: DEFAULT_NODE, user_id: "", frame_index: -1, event_types: [] });
  });

  test("the id depends on the sender, node, index and timestamp, not on when it was stored", () => {
    const f = frame({ frameIndex: 1, timestamp: "2025-01-01T00:00:00Z" });
    const base = toSessionEvent(f, { userId: "u", node: "n", receivedAt, now });
    expect(toSessionEvent(f, { userId: "u", node: "n", receivedAt: receivedAt + 5, now: now + 5 }).id).toBe(base.id);
    expect(toSessionEvent(f, { userId: "v", node: "n", receivedAt, now }).id).not.toBe(base.id);
    expect(toSessionEvent(f, { userId: "u", node: "m", receivedAt, now }).id).not.toBe(base.id);
    expect(toSessionEvent(frame({ frameIndex: 2, timestamp: "2025-01-01T00:00:00Z" }), { userId: "u", node: "n", receivedAt, now }).id).not.toBe(base.id);
    expect(toSessionEvent(frame({ frameIndex: 1, timestamp: "2025-01-01T00:00:00.001Z" }), { userId: "u", node: "n", receivedAt, now }).id).not.toBe(base.id);
    // No ambiguity from separators inside the parts.
    expect(toSessionEvent(f, { userId: "a:b", node: "c", receivedAt, now }).id).not.toBe(toSessionEvent(f, { userId: "a", node: "b:c", receivedAt, now }).id);
  });
});

describe("unstorableKeyOf", () => {
  test("finds the first key with a dot, a NUL or a leading $, with its path", () => {
    expect(unstorableKeyOf({ a: [{ b: 1 }, { c: { "$d": 1 } }] })).toBe("a[1].c.$d");
    expect(unstorableKeyOf({ "x.y": 1 })).toBe("x.y");
    expect(unstorableKeyOf({ ok: { "nul\0": 1 } })).toBe("ok.nul\0");
    expect(unstorableKeyOf({ a: "x.y", b: ["$z"], "a$": 1, "": 2 })).toBeUndefined();
  });
});

describe("nestedArrayOf", () => {
  test("finds the first array held directly in an array, by its path, without recursing", () => {
    expect(nestedArrayOf({ a: [1, { b: [2, 3] }], c: { d: [4] } })).toBeUndefined();
    expect(nestedArrayOf({ a: [1, { b: [2, [3]] }] })).toBe("a[1].b[1]");
    expect(nestedArrayOf([[1]])).toBe("[0]");
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(nestedArrayOf(deep)).toBeUndefined();
  });
});
