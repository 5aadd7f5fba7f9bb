import {
  CommandIdSchema,
  CreateGameBodySchema,
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
import { GameJournalError } from "../errors.ts";
import { describeIssues } from "../http/errors.ts";
import type { Logger } from "../log.ts";
import type { AuthUser } from "../platform/auth-user.ts";
import type { Clock } from "../platform/clock.ts";
import type { LiveFeeds } from "../platform/live-feed/index.ts";
import { requireOperator, requireUser, seatClaimsOf, seatOf, seatSubject } from "./access.ts";
import { gameFeed, type GameFeedOptions, type GameFeedStep } from "./feed.ts";
import { KeyedLock } from "./keyed-lock.ts";
import { noGameMetrics, type GameMetrics } from "./metrics.ts";
import type { Notify } from "./notifier.ts";
import { toRecord } from "./records.ts";
import { fromRules, GameNotFoundError, rejection } from "./rejections.ts";
import { replayGame, type ReplayOptions } from "./replay.ts";
import { foldRoom, summaryOf, type Room } from "./room.ts";
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

/** Attempts at one command when other writers keep getting there first. */
const MAX_ATTEMPTS = 8;

type Applied = { ok: true; result: AppendResult } | { ok: false; rejected: GameRejection };

/**
 * The game rooms: commands decided by the rules against the authoritative
 * state, appended to the per-game event store, answered, and announced to
 * live readers. Any instance serves any game.
 *
 * 1. Only accepted commands append: a rejection appends nothing and
 *    answers `{success: false, error, code}`.
 * 2. A command is decided on the game's state at version v and appended
 *    with `expectedVersion = v`. When another writer (this instance or
 *    another) got there first the append fails with a ConcurrencyError, the
 *    room reads the events it missed and the command is decided again
 *    (bounded: MAX_ATTEMPTS). So of commands racing at one version exactly
 *    one is appended, and each is decided on the state it is appended to.
 * 3. Deciding starts from this instance's cached room without reading the
 *    store first. Deviation from "validate the cache before deciding", on
 *    purpose: the compare-and-set append is that validation for an accepted
 *    command, and saves a read per command (three round trips on FerretDB).
 *    A rejection is only answered after reading the events after the cached
 *    version (and deciding again if there were any), so nothing is refused
 *    on a stale state.
 * 4. A player's command id is stored as `p<seat>.<joined_event>:<commandId>`
 *    (per seat occupant: two players may use the same ids). A command id
 *    applied before returns the first result (`duplicate: true`), also when
 *    the retry would now be refused (then `findCommand` finds it).
 * 5. After each append (and each duplicate, in case the first one's notice
 *    was lost in a crash) one notification goes to the game's journal
 *    stream; live feeds read the events from the store (feed.ts).
 * 6. Everything a caller reads passes through the rules' views: a player
 *    sees their own hand, nobody the seed or the decks' order.
 */
export class GameService {
  readonly store: GameEventStore;
  readonly rooms: Rooms;
  private readonly lock = new KeyedLock();
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
  }

  /** Creates a game (`GameCreated`); `gameId` defaults to a random one, `seed` to a random secret. */
  async create(body: unknown): Promise<CreateGameReply> {
    return this.timed("create", async () => {
      const parsed = CreateGameBodySchema.safeParse(body ?? {});
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
      const applied = await this.apply(gameId, commandId ? `join:${commandId}` : null, (room) => join(room.state, { name }));
      if (!applied.ok) return applied.rejected;
      const joined = applied.result.events.find((e) => e.type === "PlayerJoined");
      if (!joined || joined.playerId === null) throw new Error(`join ${gameId}: the command ${commandId} applied no PlayerJoined`);
      const token = await this.deps.auth.sign(seatSubject(gameId, joined.playerId), {
        ttlSeconds: this.tokenTtlSeconds,
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
      const applied = await this.apply(gameId, `leave:${claims.player_id}.${claims.joined_event}`, (room) => {
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
      const applied = await this.apply(gameId, key, (room) => {
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
   * GameNotFoundError for a game that does not exist. Reads the store only
   * when the game is not cached or the token is newer than the cached room.
   */
  async viewerOf(gameId: string, user: AuthUser | null | undefined): Promise<number | null> {
    checkGameId(gameId);
    let room = await this.rooms.cached(gameId);
    const claims = seatClaimsOf(user, gameId);
    if (room.state.status === "none" || (claims && claims.joined_event > room.state.version)) room = await this.rooms.catchUp(gameId, room);
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

  /** Rebuilds the game from its log and checks it against its snapshot (an operation: any valid token for now). */
  async replay(gameId: string, user: AuthUser | null | undefined, opts: ReplayOptions = {}): Promise<ReplayReport> {
    requireOperator(user);
    checkGameId(gameId);
    const { report } = await replayGame(this.store, gameId, opts);
    this.metrics.replayed(report.events, report.seconds);
    return report;
  }

  /**
   * Decides with `decideOn` and appends, per point 2–5 of the class comment.
   * `key` is the stored command id (null: never deduplicated).
   */
  private apply(gameId: string, key: string | null, decideOn: (room: Room) => Decision): Promise<Applied> {
    return this.lock.run(gameId, async () => {
      let room = await this.rooms.cached(gameId);
      let fresh = false;
      for (let attempt = 1; ; attempt++) {
        const decision = decideOn(room);
        if (!decision.ok) {
          if (!fresh) {
            fresh = true;
            const caught = await this.rooms.catchUp(gameId, room);
            if (caught.state.version !== room.state.version) {
              room = caught;
              continue;
            }
          }
          const first = key ? await this.store.findCommand(gameId, key) : null;
          if (first) return this.announced(gameId, first);
          return { ok: false, rejected: fromRules(decision) };
        }
        if (attempt > MAX_ATTEMPTS) throw new GameJournalError("CONFLICT", `game ${gameId}: other writers got there first ${MAX_ATTEMPTS} times; send the command again`);
        let result: AppendResult;
        try {
          result = await this.store.append(gameId, room.state.version, decision.events, key, { summary: summaryOf(fold(decision.events, room.state)) });
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
          this.metrics.conflict();
          room = await this.rooms.catchUp(gameId, room);
          fresh = true;
          continue;
        }
        if (result.duplicate) return this.announced(gameId, result);
        const next = this.rooms.remember(gameId, foldRoom(result.events, room));
        this.rooms.maybeSnapshot(gameId, room.state.version, next);
        return this.announced(gameId, result);
      }
    });
  }

  private async announced(gameId: string, result: AppendResult): Promise<Applied> {
    const first = result.events[0]?.eventId;
    if (first !== undefined) await this.deps.notify(gameId, first, result.version);
    return { ok: true, result };
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
