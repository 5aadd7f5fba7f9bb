import { createAuth, type Auth } from "../../server/src/auth/auth.ts";
import { GameService } from "../../server/src/games/service.ts";
import type { GameCommand } from "@gamejournal/shared";
import { DEFAULT_GAME_SETTINGS, randomCommand, type GameSettings, type GameState, type Random } from "../../server/src/games/rules/index.ts";
import type { GameEventStore } from "../../server/src/games/store/index.ts";
import { silentLogger } from "../../server/src/log.ts";
import type { AuthUser } from "../../server/src/platform/auth-user.ts";
import { openSqliteFixture, type EventStoreFixture } from "./backends.ts";

/** A GameService on a real event store, with the notifications it sends recorded. */
export interface ServiceFixture extends AsyncDisposable {
  store: GameEventStore;
  auth: Auth;
  service: GameService;
  /** `[gameId, from, to]` of each notification, in order. */
  notes: Array<[string, number, number]>;
  /** Another service (another instance) on the same data. */
  another(): Promise<GameService>;
  /** Creates a game and takes every seat; the seats' users (their verified tokens), by seat. */
  started(gameId: string, numPlayers: number, opts?: { seed?: string }): Promise<Map<number, AuthUser>>;
}

export async function openServiceFixture(
  opts: { settings?: Partial<GameSettings>; snapshotEvery?: number; backend?: () => Promise<EventStoreFixture> } = {},
): Promise<ServiceFixture> {
  const fx = await (opts.backend ?? openSqliteFixture)();
  fx.clock.t = Date.parse("2026-01-01T00:00:00.000Z");
  const auth = createAuth("service-fixture-secret-0123456789abcdef", { clock: { now: () => Date.now() } });
  const notes: Array<[string, number, number]> = [];
  const settings = { ...DEFAULT_GAME_SETTINGS, ...opts.settings };
  const open = async () => {
    const store = await fx.open();
    const service = new GameService({
      store,
      settings,
      auth,
      clock: fx.clock,
      logger: silentLogger(),
      notify: async (gameId, from, to) => void notes.push([gameId, from, to]),
      ...(opts.snapshotEvery !== undefined ? { snapshotEvery: opts.snapshotEvery } : {}),
    });
    return { store, service };
  };
  const { store, service } = await open();
  return {
    store,
    auth,
    service,
    notes,
    another: async () => (await open()).service,
    async started(gameId, numPlayers, { seed = "fixture-seed" } = {}) {
      const created = await service.create({ gameId, numPlayers, seed });
      if (!created.success) throw new Error(`create: ${created.code}`);
      const users = new Map<number, AuthUser>();
      for (let i = 1; i <= numPlayers; i++) {
        const joined = await service.join(gameId, { name: `player ${i}` });
        if (!joined.success) throw new Error(`join: ${joined.code}`);
        users.set(joined.playerId, await auth.verify(joined.token));
      }
      return users;
    },
    [Symbol.asyncDispose]: () => fx[Symbol.asyncDispose](),
  };
}

/**
 * Plays the game through `service` as its players would, each turn the
 * current player's random legal command (chosen on the state the service
 * holds), to the end or for `commands` commands. Returns the number sent.
 */
export async function playToTheEnd(
  service: GameService,
  gameId: string,
  users: Map<number, AuthUser>,
  random: Random,
  stopAfter = Infinity,
  choose: (state: GameState, seat: number, random: Random) => GameCommand | null = randomCommand,
): Promise<number> {
  let commands = 0;
  for (;;) {
    const { state } = await service.rooms.cached(gameId);
    if (state.status !== "playing" || commands >= stopAfter) return commands;
    if (commands++ >= 5_000) throw new Error(`${gameId}: not finished after 5,000 commands`);
    const seat = state.currentPlayer!;
    const command = choose(state, seat, random);
    if (!command) throw new Error(`${gameId}: no command for player ${seat}`);
    const reply = await service.command(gameId, users.get(seat), command);
    if (!reply.success) throw new Error(`${gameId}: ${command.type} refused: ${reply.code}: ${reply.error}`);
  }
}
