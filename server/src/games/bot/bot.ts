import type { CommandReply, GameCommand, GameEventRecord } from "@gamejournal/shared";
import { randomCommand, seededRandom, type Random } from "../rules/index.ts";
import { GameHttp } from "./game-http.ts";
import { GameSocketSeat } from "./game-socket.ts";
import { DEFAULT_RETRY, type RetryPolicy } from "./retry.ts";
import { stateFromView } from "./view-state.ts";

export interface BotOptions {
  /** The server's base URL, e.g. http://localhost:8080. */
  url: string;
  /** Games to play (each created by the bot). */
  games: number;
  /** Seats per game: a number from 2 to 5, or "mixed" (2, 3, 4, 5, 2, …). */
  players: number | "mixed";
  /** How commands travel: REST (`POST .../commands`) or the plain WebSocket (`/ws`). States are read over REST either way. */
  transport?: "http" | "ws";
  /** Games played at once (default 16). */
  concurrency?: number;
  /** Seeds the bots' choices (not the deals: the server draws those). */
  seed?: string;
  /** A credential with the `ingest` scope, to create and join games where AUTH_MODE=token. */
  token?: string;
  /** Game ids are `<prefix>-<n>` (default `bot-<random>`). */
  prefix?: string;
  retry?: RetryPolicy;
  /** Most commands per game before giving up on it (default 5,000). */
  maxCommands?: number;
  /** Called with each acknowledged command (what the server answered `success: true`). */
  onAck?: (ack: BotAck) => void;
  /** Called when a request is retried (a connection failure, a 5xx). */
  onRetry?: (error: unknown) => void;
  /** Progress lines (a game finished). */
  log?: (line: string) => void;
}

/** One acknowledged command. */
export interface BotAck {
  gameId: string;
  playerId: number;
  command: GameCommand;
  /** The events the answer listed (as that player sees them) and the version after them. */
  eventIds: number[];
  version: number;
  duplicate: boolean;
}

export interface BotGameResult {
  gameId: string;
  numPlayers: number;
  status: "waiting" | "playing" | "finished";
  version: number;
  commands: number;
  /** Commands the server refused (the bot read the state again and chose anew). */
  rejected: number;
  winner: number | null;
  scores: Record<number, number>;
}

/**
 * Plays whole games against a server as its clients would: creates each
 * game, joins every seat (keeping each seat's token), then, turn by turn,
 * reads the current player's view (`GET /api/games/{id}` with that seat's
 * token), picks a random legal command from it (`randomCommand`) and sends
 * it. A request that fails on the way (connection refused or dropped, 5xx,
 * no answer) is sent again unchanged, the same commandId, until answered: so
 * a server restarted mid-game loses nothing and applies nothing twice. A
 * refusal (the view was stale) makes it read the view again.
 */
export async function runBots(opts: BotOptions): Promise<BotGameResult[]> {
  const retry = opts.retry ?? DEFAULT_RETRY;
  const http = new GameHttp(opts.url, retry, opts.onRetry, opts.token);
  const prefix = opts.prefix ?? `bot-${Math.random().toString(36).slice(2, 10)}`;
  const results: BotGameResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < opts.games) {
      const n = next++;
      const numPlayers = opts.players === "mixed" ? 2 + (n % 4) : opts.players;
      const result = await playOne(http, opts, retry, `${prefix}-${n}`, numPlayers, seededRandom(`${opts.seed ?? prefix}:${n}`));
      results.push(result);
      opts.log?.(`${result.gameId}: ${result.status} at version ${result.version} after ${result.commands} commands; winner ${result.winner ?? "none"}`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 16, opts.games)) }, worker));
  return results.sort((a, b) => a.gameId.localeCompare(b.gameId, "en", { numeric: true }));
}

async function playOne(http: GameHttp, opts: BotOptions, retry: RetryPolicy, gameId: string, numPlayers: number, random: Random): Promise<BotGameResult> {
  const created = await http.create(gameId, numPlayers);
  if (!created.success && created.code !== "GAME_EXISTS") throw new Error(`bot: create ${gameId}: ${created.code}: ${created.error}`);
  const tokens = new Map<number, string>();
  for (let seat = 1; seat <= numPlayers; seat++) {
    const joined = await http.join(gameId, `bot ${seat}`, `join-${seat}`);
    if (!joined.success) throw new Error(`bot: join ${gameId}: ${joined.code}: ${joined.error}`);
    tokens.set(joined.playerId, joined.token);
  }
  const sockets = new Map<number, GameSocketSeat>();
  const send = (seat: number, command: GameCommand): Promise<CommandReply> => {
    if (opts.transport !== "ws") return http.command(gameId, tokens.get(seat)!, command);
    let socket = sockets.get(seat);
    if (!socket) sockets.set(seat, (socket = new GameSocketSeat(opts.url, gameId, tokens.get(seat)!, retry, opts.onRetry)));
    return socket.command(command);
  };

  let commands = 0;
  let rejected = 0;
  let seat = 1;
  try {
    for (;;) {
      const view = await http.state(gameId, tokens.get(seat));
      if (view.status !== "playing" || commands >= (opts.maxCommands ?? 5_000)) {
        const scores = Object.fromEntries(view.players.filter((p) => p.score !== undefined).map((p) => [p.playerId, p.score!]));
        return { gameId, numPlayers, status: view.status, version: view.version, commands, rejected, winner: view.winner ?? null, scores };
      }
      if (view.currentPlayer !== seat) {
        seat = view.currentPlayer!;
        continue;
      }
      const command = randomCommand(stateFromView(view), seat, random);
      if (!command) throw new Error(`bot: ${gameId}: no legal command for player ${seat} at version ${view.version}`);
      const reply = await send(seat, command);
      if (!reply.success) {
        rejected++;
        continue;
      }
      commands++;
      opts.onAck?.({ gameId, playerId: seat, command, eventIds: reply.events.map((e) => e.eventId), version: reply.version, duplicate: reply.duplicate === true });
      seat = nextSeat(reply.events) ?? seat;
    }
  } finally {
    for (const socket of sockets.values()) socket.close();
  }
}

/** Whose turn it is after these events, when they say (a TurnEnded). */
function nextSeat(events: GameEventRecord[]): number | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]!;
    if (event.type === "TurnEnded") return (event.data as { nextPlayer: number | null }).nextPlayer ?? undefined;
  }
  return undefined;
}
