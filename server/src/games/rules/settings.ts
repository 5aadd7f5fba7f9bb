import { z } from "zod";
import type { GameRulesSettings } from "@gamejournal/shared";
import { POINT_CARDS } from "./cards.ts";

/**
 * The rules' numbers the seed names, from the environment, with the defaults
 * of CENTURY.md. They are read once at start-up; each game records the values
 * it was created with in its `GameCreated` event, so a replay under another
 * environment plays the same game.
 */
export interface GameSettings {
  /** Most seats a game may be created with (2…5; the rules define 5 starting caravans). */
  maxPlayers: number;
  /** Spices a caravan holds at the end of a turn. */
  caravanCapacity: number;
  /** Point cards that end the game; null: 6 for 2–3 players, 5 for 4–5. */
  pointCardsToEnd: number | null;
  goldCoinPoints: number;
  silverCoinPoints: number;
}

export const DEFAULT_GAME_SETTINGS: Readonly<GameSettings> = Object.freeze({
  maxPlayers: 5,
  caravanCapacity: 10,
  pointCardsToEnd: null,
  goldCoinPoints: 3,
  silverCoinPoints: 1,
});

/** The variables `loadGameSettings` reads, with their one-line meaning (for `--help` and the README). */
export const GAME_SETTING_VARIABLES: ReadonlyArray<[string, string]> = [
  ["GAME_MAX_PLAYERS", "most seats a game may have, 2 to 5 (default 5)"],
  ["GAME_CARAVAN_CAPACITY", "spices a caravan may hold at the end of a turn (default 10)"],
  ["GAME_POINT_CARDS_TO_END", "point cards that end the game after that round (default: 6 for 2–3 players, 5 for 4–5)"],
  ["GAME_GOLD_COIN_POINTS", "points per gold coin (default 3)"],
  ["GAME_SILVER_COIN_POINTS", "points per silver coin (default 1)"],
];

const int = (min: number, max: number) =>
  z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const envSchema = z.object({
  GAME_MAX_PLAYERS: int(2, 5).default(DEFAULT_GAME_SETTINGS.maxPlayers),
  GAME_CARAVAN_CAPACITY: int(1, 1000).default(DEFAULT_GAME_SETTINGS.caravanCapacity),
  GAME_POINT_CARDS_TO_END: int(1, POINT_CARDS.length).optional(),
  GAME_GOLD_COIN_POINTS: int(0, 1000).default(DEFAULT_GAME_SETTINGS.goldCoinPoints),
  GAME_SILVER_COIN_POINTS: int(0, 1000).default(DEFAULT_GAME_SETTINGS.silverCoinPoints),
});

/** A game setting that cannot be used; `message` is one printable line naming the variable. */
export class GameSettingsError extends Error {
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`config: ${variable}: ${reason}`);
    this.name = "GameSettingsError";
  }
}

/** Reads the game settings from `env` (normally `process.env`); empty means unset. Throws GameSettingsError. */
export function loadGameSettings(env: Record<string, string | undefined>): GameSettings {
  const present = Object.fromEntries(
    Object.entries(env).filter(([k, v]) => k.startsWith("GAME_") && v !== undefined && v.trim() !== ""),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? "environment");
    throw new GameSettingsError(variable, `${issue.message} (got "${present[variable] ?? ""}")`);
  }
  const e = parsed.data;
  return {
    maxPlayers: e.GAME_MAX_PLAYERS,
    caravanCapacity: e.GAME_CARAVAN_CAPACITY,
    pointCardsToEnd: e.GAME_POINT_CARDS_TO_END ?? null,
    goldCoinPoints: e.GAME_GOLD_COIN_POINTS,
    silverCoinPoints: e.GAME_SILVER_COIN_POINTS,
  };
}

/** Point cards that end a game of `numPlayers` by default: 6 for 2–3 players, 5 for 4–5. */
export const defaultPointCardsToEnd = (numPlayers: number): number => (numPlayers <= 3 ? 6 : 5);

/** The numbers one game runs with, as `GameCreated` records them. */
export function rulesFor(settings: GameSettings, numPlayers: number): GameRulesSettings {
  return {
    maxPlayers: settings.maxPlayers,
    caravanCapacity: settings.caravanCapacity,
    pointCardsToEnd: settings.pointCardsToEnd ?? defaultPointCardsToEnd(numPlayers),
    goldCoinPoints: settings.goldCoinPoints,
    silverCoinPoints: settings.silverCoinPoints,
  };
}
