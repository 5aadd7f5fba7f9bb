import { describe, expect, test } from "bun:test";
import { eventTypesOf, FrameSchema, memberAccount, memberName, memberSlot, normalizeKeys, sessionIdOf, toSnakeCase } from "./frames.ts";

const SESSION = "5b2a6c1e-3f4d-4a8b-9c0d-1e2f3a4b5c6d";

describe("frames", () => {
  test.each([
    ["frameIndex", "frame_index"],
    ["frame_index", "frame_index"],
    ["sessionID", "session_id"],
    ["sessionid", "sessionid"],
    ["TacMod", "tac_mod"],
    ["XPID", "xpid"],
    ["playerBones", "player_bones"],
    ["left_shoulder_pressed2", "left_shoulder_pressed2"],
  ])("%s becomes %s", (input, expected) => {
    expect(toSnakeCase(input)).toBe(expected);
  });

  test("a camelCase frame and a snake_case frame normalise to the same thing", () => {
    const camel = { frameIndex: 3, events: [{ roundStarted: { roundNumber: 1 } }], session: { sessionID: SESSION, gameStatus: "playing" } };
    const snake = { frame_index: 3, events: [{ round_started: { round_number: 1 } }], session: { session_id: SESSION, game_status: "playing" } };
    expect(normalizeKeys(camel)).toEqual(snake);
  });

  test("reads the session id from session_id, sessionid or sessionID", () => {
    for (const session of [{ session_id: SESSION }, { sessionid: SESSION.toUpperCase() }, { sessionID: SESSION }]) {
      const frame = FrameSchema.parse(normalizeKeys({ session }));
      expect(sessionIdOf(frame)).toBe(SESSION);
    }
  });

  test("rejects a frame without a UUID session id, naming the field", () => {
    const missing = FrameSchema.safeParse({ session: {} });
    expect(missing.success).toBe(false);
    expect(missing.error!.issues[0]!.path).toEqual(["session", "session_id"]);
    const bad = FrameSchema.safeParse({ session: { sessionid: "lobby-1" } });
    expect(bad.error!.issues[0]!.message).toContain('must be a UUID, got "lobby-1"');
    const wrongType = FrameSchema.safeParse({ frame_index: "x", session: { sessionid: SESSION } });
    expect(wrongType.error!.issues[0]!.path).toEqual(["frame_index"]);
  });

  test("keeps fields it does not know", () => {
    const frame = FrameSchema.parse({ session: { sessionid: SESSION, payload_speed: 2 }, custom: { a: 1 } });
    expect(frame).toMatchObject({ custom: { a: 1 }, session: { payload_speed: 2 } });
  });

  test("lists event types in order without repeats", () => {
    const frame = FrameSchema.parse({
      session: { sessionid: SESSION },
      events: [{ player_goal: {} }, { goal_scored: {} }, { player_goal: {} }],
    });
    expect(eventTypesOf(frame)).toEqual(["player_goal", "goal_scored"]);
  });

  test("reads a player's identity under either naming", () => {
    expect([memberName({ name: "a" }), memberAccount({ userid: 42 }), memberSlot({ playerid: 3 })]).toEqual(["a", "42", 3]);
    expect([memberName({ display_name: "b" }), memberAccount({ account_number: "7" }), memberSlot({ slot_number: 1 })]).toEqual(["b", "7", 1]);
  });
});
