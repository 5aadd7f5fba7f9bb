import { describe, expect, test } from "bun:test";
import { ValidationError } from "../errors.ts";
import { decodeGmEvent, type GmEvent } from "./gm-event.ts";

const stats = JSON.stringify([
  { user_id: " user-a ", planets: 3, population: 10, ships_built: 1 },
  { user_id: "user-b", planets: 0, population: 0 },
]);

describe("decodeGmEvent", () => {
  test("decodes a runtime_snapshot_update, by `kind` or else `event_type`", () => {
    const fields = { game_id: "game-1", current_turn: "7", runtime_status: "running", engine_health_summary: "ok", player_turn_stats: stats };
    const expected: GmEvent = {
      kind: "runtime_snapshot_update",
      gameId: "game-1",
      snapshot: { current_turn: 7, runtime_status: "running", engine_health_summary: "ok" },
      playerStats: [
        { user_id: "user-a", planets: 3, population: 10, ships_built: 1 },
        { user_id: "user-b", planets: 0, population: 0, ships_built: 0 },
      ],
      finishedAt: null,
    };
    expect(decodeGmEvent({ kind: "runtime_snapshot_update", ...fields })).toEqual(expected);
    expect(decodeGmEvent({ event_type: "runtime_snapshot_update", ...fields })).toEqual(expected);
    expect(decodeGmEvent({ kind: "runtime_snapshot_update", event_type: "game_finished", ...fields }).kind).toBe("runtime_snapshot_update");
  });

  test("decodes a game_finished; absent fields read as 0, empty and null; final_turn_number stands in for current_turn", () => {
    expect(decodeGmEvent({ kind: "game_finished", game_id: "game-1", finished_at_ms: "1735732800000" })).toEqual({
      kind: "game_finished",
      gameId: "game-1",
      snapshot: { current_turn: 0, runtime_status: "", engine_health_summary: "" },
      playerStats: [],
      finishedAt: 1735732800000,
    });
    expect(decodeGmEvent({ event_type: "game_finished", game_id: "game-1", final_turn_number: "42" }).snapshot.current_turn).toBe(42);
    expect(decodeGmEvent({ kind: "game_finished", game_id: "game-1", current_turn: "5", final_turn_number: "42" }).snapshot.current_turn).toBe(5);
    expect(decodeGmEvent({ kind: "game_finished", game_id: "game-1", player_turn_stats: "null" }).playerStats).toEqual([]);
  });

  const bad: Array<[string, Record<string, unknown>, string]> = [
    ["no kind", { game_id: "game-1" }, "kind"],
    ["an unknown kind", { kind: "turn_generated", game_id: "game-1" }, "kind"],
    ["a non-string kind", { kind: 1, game_id: "game-1" }, "kind"],
    ["no game_id", { kind: "game_finished" }, "game_id"],
    ["a blank game_id", { kind: "game_finished", game_id: "  " }, "game_id"],
    ["a malformed game_id", { kind: "game_finished", game_id: "not a game" }, "game_id"],
    ["a negative turn", { kind: "runtime_snapshot_update", game_id: "game-1", current_turn: "-1" }, "current_turn"],
    ["a non-numeric turn", { kind: "runtime_snapshot_update", game_id: "game-1", current_turn: "seven" }, "current_turn"],
    ["a fractional turn", { kind: "runtime_snapshot_update", game_id: "game-1", current_turn: "1.5" }, "current_turn"],
    ["stats that are not JSON", { kind: "runtime_snapshot_update", game_id: "game-1", player_turn_stats: "[{" }, "player_turn_stats"],
    ["stats that are not an array", { kind: "runtime_snapshot_update", game_id: "game-1", player_turn_stats: "{}" }, "player_turn_stats"],
    ["a stats line without user_id", { kind: "runtime_snapshot_update", game_id: "game-1", player_turn_stats: '[{"planets":1,"population":1}]' }, "player_turn_stats[0].user_id"],
    ["a negative count", { kind: "runtime_snapshot_update", game_id: "game-1", player_turn_stats: '[{"user_id":"u","planets":-1,"population":1}]' }, "player_turn_stats[0].planets"],
    ["a count as a string", { kind: "runtime_snapshot_update", game_id: "game-1", player_turn_stats: '[{"user_id":"u","planets":1,"population":"1"}]' }, "player_turn_stats[0].population"],
    ["a zero finished_at_ms", { kind: "game_finished", game_id: "game-1", finished_at_ms: "0" }, "finished_at_ms"],
    ["a negative finished_at_ms", { kind: "game_finished", game_id: "game-1", finished_at_ms: "-5" }, "finished_at_ms"],
    ["a non-numeric finished_at_ms", { kind: "game_finished", game_id: "game-1", finished_at_ms: "soon" }, "finished_at_ms"],
  ];
  test.each(bad)("refuses %s, naming the field", (_what, fields, field) => {
    const error = (() => {
      try {
        decodeGmEvent(fields);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
  });
});
