import type { GameStatus } from "@gamejournal/shared";
import type { GameStore } from "../../server/src/lobby/index.ts";
import type { WorkerFixture } from "./worker-fixtures.ts";

/** Entries as the Game Master writes them, and games set up as the lobby would have them. */

export interface Line {
  user_id: string;
  planets: number;
  population: number;
  ships_built?: number;
}

export function snapshotEntry(gameId: string, turn: number, stats?: Line[], extra: Record<string, string> = {}): Record<string, string> {
  return {
    kind: "runtime_snapshot_update",
    game_id: gameId,
    current_turn: String(turn),
    runtime_status: "running",
    engine_health_summary: `healthy at turn ${turn}`,
    ...(stats ? { player_turn_stats: JSON.stringify(stats) } : {}),
    ...extra,
  };
}

export function finishEntry(gameId: string, finishedAtMs?: number, stats?: Line[], extra: Record<string, string> = {}): Record<string, string> {
  return {
    kind: "game_finished",
    game_id: gameId,
    current_turn: "99",
    runtime_status: "finished",
    ...(finishedAtMs === undefined ? {} : { finished_at_ms: String(finishedAtMs) }),
    ...(stats ? { player_turn_stats: JSON.stringify(stats) } : {}),
    ...extra,
  };
}

const PATH: Array<[GameStatus, "command" | "enough_players" | "runtime_registered"]> = [
  ["enrollment_open", "command"],
  ["ready_to_start", "enough_players"],
  ["starting", "command"],
  ["running", "runtime_registered"],
];

/** A game with `members`, moved to `status` (draft, running or paused) through the table's arrows. */
export async function setUpGame(games: GameStore, gameId: string, { members = [] as string[], status = "running" as "draft" | "running" | "paused" } = {}): Promise<string> {
  await games.create({ game_id: gameId, name: gameId });
  for (const user of members) await games.addMember(gameId, user, 1);
  if (status === "draft") return gameId;
  let from: GameStatus = "draft";
  for (const [to, trigger] of PATH) {
    await games.updateStatus({ gameId, expectedFrom: from, to, trigger, at: 1 });
    from = to;
  }
  if (status === "paused") await games.updateStatus({ gameId, expectedFrom: "running", to: "paused", trigger: "command", at: 2 });
  return gameId;
}

/** Log lines of the gm events worker with `msg` (and, given, about `gameId`). */
export function logged(fx: WorkerFixture, msg: string, gameId?: string) {
  return fx.logs.filter((l) => l.msg === msg && (gameId === undefined || l.game_id === gameId));
}

/**
 * `store` with one method made to fail while `fault.active`, for the calls
 * `fault.matches` picks; every other call goes to the real store. A wrapper
 * around a real adapter (not a mock of a database): it stands for a store
 * that is failing for one game.
 */
export function withFault<T extends object>(store: T, method: keyof T & string, fault: Fault): T {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== method || typeof value !== "function") return typeof value === "function" ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        if (fault.active && fault.matches(args)) {
          fault.calls++;
          throw fault.error();
        }
        return value.apply(target, args);
      };
    },
  });
}

export interface Fault {
  active: boolean;
  calls: number;
  matches(args: unknown[]): boolean;
  error(): Error;
}

export function fault(gameId: string, error: () => Error = () => new Error("injected store failure")): Fault {
  return { active: true, calls: 0, matches: (args) => args[0] === gameId || (args[0] as { gameId?: string })?.gameId === gameId, error };
}
