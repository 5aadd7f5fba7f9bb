import type { GameEvent } from "@gamejournal/shared";
import { randomCommand } from "./bot.ts";
import { decide } from "./decide.ts";
import { evolve } from "./evolve.ts";
import { create, join } from "./lobby.ts";
import { seededRandom } from "./random.ts";
import { DEFAULT_GAME_SETTINGS, type GameSettings } from "./settings.ts";
import { initialState, type GameState } from "./state.ts";

export interface BotGameOptions {
  numPlayers: number;
  /** Default "bot-game" (never derived from the seed, which must stay secret). */
  gameId?: string;
  /** The game's deal seed. */
  seed: string;
  /** The bots' seed (their choices); defaults to `bot:<seed>`. */
  botSeed?: string;
  settings?: GameSettings;
  /** Most commands before giving up (the game is then left unfinished). */
  maxCommands?: number;
  /** Called after each accepted decision, with the state before and after and the events. */
  onStep?: (step: { before: GameState; after: GameState; events: GameEvent[] }) => void;
}

/**
 * Plays a whole game of random bots in memory: create, every seat joins, then
 * the current player's `randomCommand` until `GameFinished`. Returns the
 * events in order and the final state. For tests and the benchmark.
 */
export function playBotGame(options: BotGameOptions): { events: GameEvent[]; state: GameState; commands: number } {
  const random = seededRandom(options.botSeed ?? `bot:${options.seed}`);
  const events: GameEvent[] = [];
  let state = initialState();
  const take = (decision: ReturnType<typeof decide>) => {
    if (!decision.ok) throw new Error(`bot game ${options.seed}: ${decision.code}: ${decision.message}`);
    const before = state;
    for (const event of decision.events) state = evolve(state, event);
    events.push(...decision.events);
    options.onStep?.({ before, after: state, events: decision.events });
  };
  take(create(state, { gameId: options.gameId ?? "bot-game", numPlayers: options.numPlayers, seed: options.seed, settings: options.settings ?? DEFAULT_GAME_SETTINGS }));
  for (let i = 1; i <= options.numPlayers; i++) take(join(state, { name: `bot ${i}` }));
  let commands = 0;
  const max = options.maxCommands ?? 2000;
  while (state.status === "playing" && commands < max) {
    const playerId = state.currentPlayer!;
    const command = randomCommand(state, playerId, random);
    if (!command) throw new Error(`bot game ${options.seed}: no command for player ${playerId}`);
    take(decide(state, command, { playerId }));
    commands++;
  }
  return { events, state, commands };
}
