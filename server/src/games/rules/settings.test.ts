import { describe, expect, test } from "bun:test";
import { GameRulesSettingsSchema } from "@gamejournal/shared";
import { DEFAULT_GAME_SETTINGS, GameSettingsError, loadGameSettings, rulesFor } from "./settings.ts";

describe("game settings from the environment", () => {
  test("defaults are CENTURY.md's; point cards to end depend on the player count", () => {
    expect(loadGameSettings({})).toEqual({ ...DEFAULT_GAME_SETTINGS });
    expect(loadGameSettings({ GAME_POINT_CARDS_TO_END: "" })).toEqual({ ...DEFAULT_GAME_SETTINGS });
    const s = loadGameSettings({});
    expect([2, 3, 4, 5].map((n) => rulesFor(s, n).pointCardsToEnd)).toEqual([6, 6, 5, 5]);
    expect(rulesFor(s, 4)).toEqual({ maxPlayers: 5, caravanCapacity: 10, pointCardsToEnd: 5, goldCoinPoints: 3, silverCoinPoints: 1 });
    expect(GameRulesSettingsSchema.parse(rulesFor(s, 2))).toEqual(rulesFor(s, 2));
  });

  test("every variable is read", () => {
    const s = loadGameSettings({
      GAME_MAX_PLAYERS: "4",
      GAME_CARAVAN_CAPACITY: "12",
      GAME_POINT_CARDS_TO_END: "3",
      GAME_GOLD_COIN_POINTS: "5",
      GAME_SILVER_COIN_POINTS: "0",
      UNRELATED: "x",
    });
    expect(s).toEqual({ maxPlayers: 4, caravanCapacity: 12, pointCardsToEnd: 3, goldCoinPoints: 5, silverCoinPoints: 0 });
    expect([2, 4].map((n) => rulesFor(s, n).pointCardsToEnd)).toEqual([3, 3]);
  });

  test.each([
    ["GAME_MAX_PLAYERS", "6", "must be at most 5"],
    ["GAME_MAX_PLAYERS", "1", "must be at least 2"],
    ["GAME_CARAVAN_CAPACITY", "ten", "must be a whole number"],
    ["GAME_CARAVAN_CAPACITY", "0", "must be at least 1"],
    ["GAME_POINT_CARDS_TO_END", "2.5", "must be a whole number"],
    ["GAME_POINT_CARDS_TO_END", "37", "must be at most 36"],
    ["GAME_GOLD_COIN_POINTS", "-1", "must be at least 0"],
    ["GAME_SILVER_COIN_POINTS", "x", "must be a whole number"],
  ])("%s=%s is rejected naming the variable", (variable, value, reason) => {
    let error: unknown;
    try {
      loadGameSettings({ [variable]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GameSettingsError);
    expect((error as GameSettingsError).variable).toBe(variable);
    expect((error as GameSettingsError).message).toContain(`config: ${variable}: ${reason}`);
    expect((error as GameSettingsError).message).toContain(`"${value}"`);
  });
});
