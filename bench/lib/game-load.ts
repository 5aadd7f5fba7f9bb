import type { CommandReply, GameCommand, GameSocketMessage } from "@gamejournal/shared";
import {
  create,
  decide,
  DEFAULT_GAME_SETTINGS,
  evolve,
  initialState,
  join,
  legalCommands,
  randomCommand,
  seededRandom,
  type Decision,
  type GameState,
  type Random,
} from "../../server/src/games/rules/index.ts";
import type { BenchContext } from "./context.ts";
import { Histogram } from "./histogram.ts";
import type { Figures } from "./report.ts";

/**
 * Command load on game rooms: games the bench plays locally in step with
 * the server (same seed, same deal, the rules engine), so it always knows
 * the next legal command without asking, and sends only commands.
 */

/** `randomCommand`, with a claim replaced by a random other legal command. */
export function nonClaiming(state: GameState, seat: number, random: Random): GameCommand | null {
  const command = randomCommand(state, seat, random);
  if (command?.type !== "claim") return command;
  const others = legalCommands(state, seat).filter((c) => c.type !== "claim");
  return others[Math.floor(random() * others.length)] ?? null;
}

/** A game the bench plays locally in step with the server, so it knows the next legal command. */
export class ShadowGame {
  state: GameState = initialState();
  readonly tokens = new Map<number, string>();
  private readonly random: Random;

  constructor(
    readonly gameId: string,
    readonly numPlayers: number,
    readonly seed: string,
  ) {
    this.random = seededRandom(`bench:${gameId}`);
    this.take(create(this.state, { gameId, numPlayers, seed, settings: DEFAULT_GAME_SETTINGS }));
    for (let i = 1; i <= numPlayers; i++) this.take(join(this.state, { name: `bench ${i}` }));
  }

  /** The next command: a random legal one, but never a claim, so the game never ends and the load stays even. */
  next(): { seat: number; command: GameCommand } | null {
    if (this.state.status !== "playing") return null;
    const seat = this.state.currentPlayer!;
    const command = nonClaiming(this.state, seat, this.random);
    return command && { seat, command: { ...command, commandId: `${this.gameId}-${this.state.version}` } };
  }

  apply(seat: number, command: GameCommand): void {
    this.take(decide(this.state, command, { playerId: seat }));
  }

  private take(decision: Decision): void {
    if (!decision.ok) throw new Error(`shadow ${this.gameId}: ${decision.code}: ${decision.message}`);
    for (const event of decision.events) this.state = evolve(this.state, event);
  }
}

export async function post(url: string, body: unknown, token?: string): Promise<any> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (res.status >= 500) throw new Error(`${url}: ${res.status} ${JSON.stringify(json).slice(0, 200)}`);
  return json;
}

/** Creates `count` two-player games on the server and their shadows, both seats joined. */
async function setUp(base: string, prefix: string, count: number): Promise<ShadowGame[]> {
  const games: ShadowGame[] = [];
  for (let start = 0; start < count; start += 100) {
    const batch = Array.from({ length: Math.min(100, count - start) }, (_, i) => new ShadowGame(`${prefix}-${start + i}`, 2, `${prefix}-seed-${start + i}`));
    await Promise.all(
      batch.map(async (game) => {
        const created = await post(`${base}/api/games`, { gameId: game.gameId, numPlayers: 2, seed: game.seed });
        if (!created.success) throw new Error(`create ${game.gameId}: ${created.code}`);
        for (let i = 1; i <= 2; i++) {
          const joined = await post(`${base}/api/games/${game.gameId}/join`, { name: `bench ${i}` });
          if (!joined.success) throw new Error(`join ${game.gameId}: ${joined.code}`);
          game.tokens.set(joined.playerId, joined.token);
        }
      }),
    );
    games.push(...batch);
  }
  return games;
}

/**
 * `games` games, each with one command in flight (the next as soon as the
 * last is answered) for `seconds` after a one-second warm-up. The games
 * never end (nobody claims), so the load is even throughout.
 */
export async function commandLoad(ctx: BenchContext, base: string, { games, seconds, prefix, transport = "http" }: { games: number; seconds: number; prefix: string; transport?: "http" | "ws" }) {
  const shadows = await setUp(base, prefix, games);
  const sockets = transport === "ws" ? await openSockets(base, shadows) : null;
  const hist = new Histogram();
  let commands = 0;
  let events = 0;
  let rejected = 0;
  const startAt = performance.now() + 1_000;
  const endAt = startAt + seconds * 1000;
  await Promise.all(
    shadows.map(async (game) => {
      for (;;) {
        const t0 = performance.now();
        if (t0 >= endAt) return;
        const next = game.next();
        if (!next) return;
        const reply = sockets
          ? await sockets.get(`${game.gameId}:${next.seat}`)!.command(next.command)
          : ((await post(`${base}/api/games/${game.gameId}/commands`, next.command, game.tokens.get(next.seat))) as CommandReply);
        const t1 = performance.now();
        if (!reply.success) {
          rejected++;
          throw new Error(`${game.gameId}: ${next.command.type} refused: ${reply.code}: ${reply.error}`);
        }
        game.apply(next.seat, next.command);
        if (reply.version !== game.state.version) throw new Error(`${game.gameId}: the server is at ${reply.version}, the shadow at ${game.state.version}`);
        if (t0 >= startAt && t1 <= endAt) {
          hist.record((t1 - t0) * 1000);
          commands++;
          events += reply.events.length;
        }
      }
    }),
  );
  for (const socket of sockets?.values() ?? []) socket.close();
  ctx.log(`games: ${commands} commands from ${games} games in ${seconds} s`);
  const figures: Figures = {
    commands_per_s: Math.round(commands / seconds),
    events_per_s: Math.round(events / seconds),
    ...hist.summaryMs(),
    commands,
    rejected,
  };
  // A sample of what the server stored for these commands, for the raw-write baseline.
  return { figures, sample: shadows[0]!.gameId };
}

/** A player's `/ws` socket: sends a command, resolves with the `command_result` carrying its id. */
interface PlayerSocket {
  command(command: GameCommand): Promise<CommandReply>;
  close(): void;
}

/** One socket per seat of each game (`<gameId>:<seat>`), each open and past its first state message. */
async function openSockets(base: string, games: ShadowGame[]): Promise<Map<string, PlayerSocket>> {
  const sockets = new Map<string, PlayerSocket>();
  const open = (game: ShadowGame, seat: number) =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`${base.replace(/^http/, "ws")}/ws?gameId=${game.gameId}&token=${game.tokens.get(seat)}`);
      const waiting = new Map<string, (reply: CommandReply) => void>();
      ws.onmessage = (event) => {
        const message = JSON.parse(String(event.data)) as GameSocketMessage;
        if (message.type === "state") resolve();
        else if (message.type === "command_result" && message.commandId) {
          const { type: _t, commandId, ...reply } = message;
          waiting.get(commandId)?.(reply as CommandReply);
          waiting.delete(commandId);
        }
      };
      ws.onerror = () => reject(new Error(`${game.gameId}: /ws refused`));
      sockets.set(`${game.gameId}:${seat}`, {
        command: (command) =>
          new Promise<CommandReply>((done) => {
            waiting.set(command.commandId, done);
            ws.send(JSON.stringify(command));
          }),
        close: () => ws.close(),
      });
    });
  for (let i = 0; i < games.length; i += 100) await Promise.all(games.slice(i, i + 100).flatMap((game) => [open(game, 1), open(game, 2)]));
  return sockets;
}

