import { GAME_STATUSES, GAME_TRIGGERS } from "@gamejournal/shared";
import { expect, test } from "bun:test";
import { isAllowedTransition, TERMINAL_STATUSES, TRANSITIONS } from "./transitions.ts";

test("the table's arrows are exactly what isAllowedTransition lets through", () => {
  let allowed = 0;
  for (const from of GAME_STATUSES) {
    for (const to of GAME_STATUSES) {
      for (const trigger of GAME_TRIGGERS) {
        const arrow = TRANSITIONS.find((t) => t.from === from && t.to === to);
        expect(isAllowedTransition(from, to, trigger)).toBe(arrow?.triggers.includes(trigger) ?? false);
        if (isAllowedTransition(from, to, trigger)) allowed++;
      }
    }
  }
  expect(allowed).toBe(TRANSITIONS.reduce((n, t) => n + t.triggers.length, 0));
});

test("only the Game Master's event finishes a game; a command takes every other arrow; finished and cancelled are terminal", () => {
  for (const t of TRANSITIONS) {
    if (t.to === "finished") expect(t.triggers).toEqual(["runtime_event"]);
    else expect(t.triggers).toContain("command");
  }
  expect(TRANSITIONS.filter((t) => t.to === "finished").map((t) => t.from).sort()).toEqual(["paused", "running"]);
  expect([...TERMINAL_STATUSES].sort()).toEqual(["cancelled", "finished"]);
  expect(isAllowedTransition("enrollment_open", "ready_to_start", "deadline")).toBe(true);
  expect(isAllowedTransition("starting", "paused", "gm_unreachable")).toBe(true);
  expect(isAllowedTransition("running", "cancelled", "command")).toBe(false);
});
