import {
  CommandIdSchema,
  CreateRoomBodySchema,
  GameIdSchema,
  JoinGameBodySchema,
  ListGamesQuerySchema,
  type CommandReply,
  type CreateGameReply,
  type GameEventsPage,
  type GameListItem,
  type GameRejection,
  type GameView,
  type JoinGameReply,
  type ReplayReport,
} from "@gamejournal/shared";
import type { Auth } from "../auth/auth.ts";
import { describeIssues } from "../http/errors.ts";
import type { Logger } from "../log.ts";
import type { AuthUser } from "../platform/auth-user.ts";
import type { Clock } from "../platform/clock.ts";
import type { LiveFeeds } from "../platform/live-feed/index.ts";
import { requireOperator, requireUser, seatClaimsOf, seatOf, seatSubject } from "./access.ts";
import { Appender, type Applied } from "./appender.ts";
import { gameFeed, type GameFeedOptions, type GameFeedStep } from "./feed.ts";
import { noGameMetrics, type GameMetrics } from "./metrics.ts";
import type { Notify } from "./notifier.ts";
import { toRecord } from "./records.ts";
import { fromRules, GameNotFoundError, rejection } from "./rejections.ts";
import { replayGame, type ReplayOptions } from "./replay.ts";
import { foldRoom, summaryOf } from "./room.ts";
import { Rooms } from "./rooms.ts";
import { create, decide, fold, initialState, join, leave, playerView, type Decision, type GameSettings } from "./rules/index.ts";
import { ConcurrencyError, type AppendResult, type GameEventStore } from "./store/index.ts";

export interface GameServiceDeps {
  store: GameEventStore;
  /** The environment's rule numbers; each game records its own in `GameCreated`. */
  settings: GameSettings;
  auth: Auth;
  clock: Clock;
  logger: Logger;
  /** Wakes live readers after each append (see notifier.ts). */
  notify: Notify;
  metrics?: GameMetrics;
  /** Snapshot interval in events (default 100; 0: never). */
  snapshotEvery?: number;
  /** Rooms held in memory (default 10,000). */
  maxCached?: number;
  /** Lifetime of a seat token (default 7 days). */
  tokenTtlSeconds?: number;
  /** For live feeds (`feed`). */
  feeds?: LiveFeeds;
  /** A live feed reads the store after this long without a notification (default 15 s). */
  feedPollMs?: number;
}

/**
 * The game rooms: commands decided by the rules against the authoritative
 * state, appended to the per-game event store, answered, and announced to
 * live readers. Any instance serves any game.
 *
 * 1. Deciding and appending (one winner per version, retries on conflict,
 *    idempotent command ids, refusals only on a current state, notices to
 *    live readers) is the Appender's (appender.ts).
 * 2. A refusal appends nothing and answers `{success: false, error, code}`.
 * 3. A player's command id is stored as `p<seat>.<joined_event>:<commandId>`
 *    (per seat occupant: two players may use the same ids); a join's as
 *    `join:<commandId>`, a leave's as `leave:<seat>.<joined_event>`.
 * 4. Live feeds read the events from the store, woken by the notices
 *    (feed.ts).
 * 5. Everything a caller reads passes through the rules' views: a player
 *    sees their own hand, nobody the seed or the decks' order.
 */
export class GameService {
  readonly store: GameEventStore;
  readonly rooms: Rooms;
  private readonly appender: Appender;
  private readonly metrics: GameMetrics;
  private readonly tokenTtlSeconds: number;

  constructor(private readonly deps: GameServiceDeps) {
    if (!deps?.store) throw new Error("new game service: no event store");
    if (!deps.settings) throw new Error("new game service: no game settings");
    if (!deps.auth) throw new Error("new game service: no auth");
    if (!deps.clock) throw new Error("new game service: no clock");
    if (!deps.logger) throw new Error("new game service: no logger");
    if (!deps.notify) throw new Error("new game service: no notifier");
    this.store = deps.store;
    this.metrics = deps.metrics ?? noGameMetrics;
    this.tokenTtlSeconds = deps.tokenTtlSeconds ?? 7 * 24 * 3600;
    this.rooms = new Rooms({ store: deps.store, logger: deps.logger, snapshotEvery: deps.snapshotEvery, maxCached: deps.maxCached });
    this.appender = new Appender({ store: deps.store, rooms: this.rooms, notify: deps.notify, metrics: this.metrics });
  }

  /** Creates a game (`GameCreated`); `gameId` defaults to a random one, `seed` to a random secret. */
  async create(body: unknown): Promise<CreateGameReply> {
    return this.timed("create", async () => {
      const parsed = CreateRoomBodySchema.safeParse(body ?? {});
      if (!parsed.success) return invalid(parsed.error.issues);
      const gameId = parsed.data.gameId ?? `g-${crypto.randomUUID()}`;
      const seed = parsed.data.seed ?? Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("hex");
      const at = new Date(this.deps.clock.now()).toISOString();
      const decision = create(initialState(), { gameId, numPlayers: parsed.data.numPlayers as number, seed, settings: this.deps.settings, at });
      if (!decision.ok) return fromRules(decision);
      let result: AppendResult;
      try {
        result = await this.store.append(gameId, 0, decision.events, null, { summary: summaryOf(fold(decision.events)) });
      } catch (error) {
        if (error instanceof ConcurrencyError) return rejection("GAME_EXISTS", `game ${gameId} exists already`, "gameId");
        throw error;
      }
      this.rooms.remember(gameId, foldRoom(result.events));
      await this.deps.notify(gameId, 1, result.version);
      return { success: true, gameId };
    });
  }

  /**
   * Takes the lowest free seat (`PlayerJoined`; the last seat also deals,
   * `GameStarted`) and signs that seat's token. With a `commandId`, a retry
   * answers the seat the first call took (with a fresh token).
   */
  async join(gameId: string, body: unknown): Promise<JoinGameReply> {
    return this.timed("join", async () => {
      if (!GameIdSchema.safeParse(gameId).success) return rejection("GAME_NOT_FOUND", `there is no game ${gameId}`);
      const parsed = JoinGameBodySchema.safeParse(body ?? {});
      if (!parsed.success) return invalid(parsed.error.issues);
      const { name, commandId } = parsed.data;
      const applied = await this.appender.apply(gameId, commandId ? `join:${commandId}` : null, (room) => join(room.state, { name }));
      if (!applied.ok) return applied.rejected;
      const joined = applied.result.events.find((e) => e.type === "PlayerJoined");
      if (!joined || joined.playerId === null) throw new Error(`join ${gameId}: the command ${commandId} applied no PlayerJoined`);
      const token = await this.deps.auth.sign(seatSubject(gameId, joined.playerId), {
        ttlSeconds: this.tokenTtlSeconds,
        scopes: ["player"],
        claims: { game_id: gameId, player_id: joined.playerId, joined_event: joined.eventId },
      });
      return { success: true, gameId, playerId: joined.playerId, token };
    });
  }

  /** The token's player leaves (`PlayerLeft`; see the rules' `leave`). Idempotent per seat occupant. */
  async leave(gameId: string, user: AuthUser | null | undefined): Promise<CommandReply> {
    requireUser(user);
    return this.timed("leave", async () => {
      const claims = seatClaimsOf(user, gameId);
      if (!claims) return rejection("NOT_A_PLAYER", `this token holds no seat in game ${gameId}`);
      const applied = await this.appender.apply(gameId, `leave:${claims.player_id}.${claims.joined_event}`, (room) => {
        const seat = seatOf(user, gameId, room);
        return seat === null ? notASeat(gameId, claims.player_id) : leave(room.state, seat);
      });
      return this.reply(gameId, applied, claims.player_id);
    });
  }

  /** A player's command `{commandId, type, ...}` (see GameCommandSchema), decided by the rules. */
  async command(gameId: string, user: AuthUser | null | undefined, body: unknown): Promise<CommandReply> {
    requireUser(user);
    const type = commandType(body);
    return this.timed(type, async () => {
      const claims = seatClaimsOf(user, gameId);
      if (!claims) return rejection("NOT_A_PLAYER", `this token holds no seat in game ${gameId}`);
      const commandId = CommandIdSchema.safeParse((body as { commandId?: unknown } | null)?.commandId);
      if (!commandId.success) return rejection("INVALID_COMMAND", commandId.error.issues[0]?.message ?? "commandId is required", "commandId");
      const key = `p${claims.player_id}.${claims.joined_event}:${commandId.data}`;
      const applied = await this.appender.apply(gameId, key, (room) => {
        const seat = seatOf(user, gameId, room);
        return seat === null ? notASeat(gameId, claims.player_id) : decide(room.state, body, { playerId: seat });
      });
      return this.reply(gameId, applied, claims.player_id);
    });
  }

  /** The game as `user` may see it: their seat's view, else the public one. */
  async state(gameId: string, user?: AuthUser | null): Promise<GameView> {
    checkGameId(gameId);
    const room = await this.rooms.current(gameId);
    if (room.state.status === "none") throw new GameNotFoundError(gameId);
    return playerView(room.state, seatOf(user, gameId, room));
  }

  /** Events after `after` (default 0), at most `limit` (default 100, up to 1,000), as `user` may see them. */
  async events(gameId: string, user: AuthUser | null | undefined, { after = 0, limit = 100 }: { after?: number; limit?: number } = {}): Promise<GameEventsPage> {
    const viewer = await this.viewerOf(gameId, user);
    const events = await this.store.read(gameId, { after, limit: Math.min(Math.max(1, limit), 1_000) });
    return { gameId, events: events.map((e) => toRecord(e, viewer)), lastEventId: events.at(-1)?.eventId ?? after };
  }

  /**
   * The seat `user` holds in the game (null: a spectator); throws
   * GameNotFoundError for a game that does not exist. Seats only change
   * before the start, so a cached room that has started answers alone; one
   * still waiting (a seat may have been freed and taken again elsewhere) or
   * older than the token is read up to date first.
   */
  async viewerOf(gameId: string, user: AuthUser | null | undefined): Promise<number | null> {
    checkGameId(gameId);
    let room = await this.rooms.cached(gameId);
    const claims = seatClaimsOf(user, gameId);
    const seatsMayHaveChanged = room.state.status === "none" || room.state.status === "waiting";
    if (seatsMayHaveChanged || (claims && claims.joined_event > room.state.version)) room = await this.rooms.catchUp(gameId, room);
    if (room.state.status === "none") throw new GameNotFoundError(gameId);
    return seatOf(user, gameId, room);
  }

  /** Games, newest first (`status`, `limit`, `after` a game id of the previous page). */
  async list(query: unknown = {}): Promise<{ games: GameListItem[] }> {
    const q = ListGamesQuerySchema.parse(query ?? {});
    const listings = await this.store.listGames({ ...(q.status ? { status: q.status } : {}), ...(q.limit ? { limit: q.limit } : {}), ...(q.after ? { after: q.after } : {}) });
    return {
      games: listings.map((g) => ({
        gameId: g.gameId,
        status: g.status,
        numPlayers: g.numPlayers,
        players: g.players,
        version: g.version,
        createdAt: new Date(g.createdAt).toISOString(),
        updatedAt: new Date(g.updatedAt).toISOString(),
      })),
    };
  }

  /** A subscriber's live feed of the game (see feed.ts). */
  feed(opts: GameFeedOptions): AsyncGenerator<GameFeedStep> {
    const feeds = this.deps.feeds;
    if (!feeds) throw new Error("game service: no live feeds to follow");
    return gameFeed({ store: this.store, rooms: this.rooms, feeds, ...(this.deps.feedPollMs ? { pollMs: this.deps.feedPollMs } : {}) }, opts);
  }

  /** Rebuilds the game from its log and checks it against its snapshot (an operation: the edges require the `admin` scope). */
  async replay(gameId: string, user: AuthUser | null | undefined, opts: ReplayOptions = {}): Promise<ReplayReport> {
    requireOperator(user);
    checkGameId(gameId);
    const { report } = await replayGame(this.store, gameId, opts);
    this.metrics.replayed(report.events, report.seconds);
    return report;
  }

  private reply(gameId: string, applied: Applied, viewer: number): CommandReply {
    if (!applied.ok) return applied.rejected;
    const { result } = applied;
    return {
      success: true,
      gameId,
      events: result.events.map((e) => toRecord(e, viewer)),
      version: result.version,
      ...(result.duplicate ? { duplicate: true as const } : {}),
    };
  }

  /** Runs an operation, counting its answer by type and result. */
  private async timed<R extends { success: boolean }>(type: string, run: () => Promise<R>): Promise<R> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const reply = await run();
      if (reply.success) this.metrics.command(type, (reply as { duplicate?: true }).duplicate ? "duplicate" : "accepted", seconds());
      else this.metrics.command(type, "rejected", seconds(), (reply as unknown as GameRejection).code);
      return reply;
    } catch (error) {
      this.metrics.command(type, "failed", seconds());
      throw error;
    }
  }
}

const COMMAND_TYPES = new Set(["playCard", "acquire", "rest", "claim", "discard", "endTurn"]);

/** The command's type for metrics: one of the six, else `unknown`. */
function commandType(body: unknown): string {
  const type = (body as { type?: unknown } | null)?.type;
  return typeof type === "string" && COMMAND_TYPES.has(type) ? type : "unknown";
}

/** A malformed game id names no game. */
function checkGameId(gameId: string): void {
  if (!GameIdSchema.safeParse(gameId).success) throw new GameNotFoundError(gameId);
}

function notASeat(gameId: string, playerId: number): Decision {
  return { ok: false, code: "NOT_A_PLAYER", message: `this token's seat ${playerId} in game ${gameId} is no longer its holder's (the seat was freed and taken again)` };
}

function invalid(issues: Parameters<typeof describeIssues>[0]): GameRejection {
  const { message, field } = describeIssues(issues);
  return rejection("INVALID_COMMAND", message, field);
}
