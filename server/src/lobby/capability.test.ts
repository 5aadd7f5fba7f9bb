import { expect, test } from "bun:test";
import { isCapable } from "./capability.ts";

const s = (planets: number, population: number) => ({ planets, population, ships_built: 0 });

test("capable only when both planets and population rose above the first observation; no stats is not capable", () => {
  expect(isCapable({ user_id: "u", initial: s(3, 10), max: s(4, 11) })).toBe(true);
  expect(isCapable({ user_id: "u", initial: s(3, 10), max: s(3, 11) })).toBe(false);
  expect(isCapable({ user_id: "u", initial: s(3, 10), max: s(4, 10) })).toBe(false);
  expect(isCapable({ user_id: "u", initial: s(3, 10), max: s(3, 10) })).toBe(false);
  expect(isCapable({ user_id: "u", initial: null, max: s(4, 11) })).toBe(false);
  expect(isCapable({ user_id: "u", initial: s(3, 10), max: null })).toBe(false);
  expect(isCapable(undefined)).toBe(false);
});
