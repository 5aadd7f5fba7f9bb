import { describe, expect, test } from "bun:test";
import { ValidationError } from "../errors.ts";
import { journaledFrame, parseFrame } from "./frame-input.ts";

const SESSION = "0b7a8f3e-5c1d-4e2a-9f6b-3d8c2a1e7f40";
const raw = () => ({
  frameIndex: 7,
  timestamp: "2025-03-01T12:00:00.500Z",
  events: [{ roundStarted: { roundNumber: 1 } }],
  session: { sessionID: SESSION, gameStatus: "playing", teams: [{ team: "BLUE TEAM", players: [{ name: "a", playerid: 1, stats: { points: 2 } }] }] },
  playerBones: { userBones: [{ playerid: 1, boneT: [0.5, 0.25] }] },
});

describe("journaledFrame: a frame entry's frame, read back by a worker", () => {
  test("a frame parseFrame returned is taken as it is: the same object, equal to parsing it again", () => {
    const parsed = parseFrame(raw());
    expect(journaledFrame(parsed)).toBe(parsed);
    expect(parseFrame(parsed)).toEqual(parsed);
  });

  test("a frame parseFrame did not return gets the full parse: keys normalised, the result as parseFrame's", () => {
    const frame = raw();
    const read = journaledFrame(frame);
    expect(read).not.toBe(frame as unknown);
    expect(read).toEqual(parseFrame(raw()));
    expect(read.session.session_id).toBe(SESSION);
  });

  test.each([
    ["no session id", { session: {} }, /session id is required/],
    ["a session id that is not a UUID", { session: { session_id: "x" } }, /must be a UUID/],
    ["a negative frame index", { frame_index: -1, session: { session_id: SESSION } }, /frame_index/],
    ["a timestamp that is not a string", { timestamp: 5, session: { session_id: SESSION } }, /timestamp/],
    ["an event that is not an object", { events: [1], session: { session_id: SESSION } }, /events/],
    ["an unstorable key", { session: { session_id: SESSION }, "$x": 1 }, /\$x: keys must not contain/],
    ["an array in an array", { session: { session_id: SESSION }, v: [[1]] }, /an array directly inside an array/],
  ])("%s: refused as parseFrame refuses it", (_, frame, message) => {
    expect(() => journaledFrame(frame)).toThrow(ValidationError);
    expect(() => journaledFrame(frame)).toThrow(message);
  });
});

describe("the summarizer's frameOf on a frame entry", () => {
  test("takes the journaled frame without parsing it again, and reads it as the full parse does", async () => {
    const { frameOf } = await import("../matches/entry.ts");
    const data = { frame: parseFrame(raw()), node: "default-node" };
    const trusted = frameOf(data, true);
    expect(trusted).toEqual(frameOf(data, false)!);
    expect(trusted).not.toHaveProperty("player_bones");
    // A client's telemetry entry is never trusted: camelCase keys are normalised by the parse.
    expect(frameOf({ frame: raw() }, false)).toEqual(trusted);
  });
});
