import {
  GameListQuerySchema,
  TransitionBodySchema,
  toGameRecordsStream,
  type CapabilityEvaluation,
  type GameRecord,
  type GameRecordPage,
  type GameStats,
  type GameStatus,
} from "@gamejournal/shared";
import { GameJournalError, NotFoundError, ValidationError } from "../errors.ts";
import { parseWith } from "../http/validate.ts";
import { scopedKey, type JournalingApi } from "../journal/event-journal.ts";
import { isStreamId } from "../journal/ids.ts";
import type { Logger } from "../log.ts";
import { principalOf, type AuthUser } from "../platform/auth-user.ts";
import type { Clock } from "../platform/clock.ts";
import type { FeedMetrics, LiveFeed, LiveFeeds } from "../platform/live-feed/index.ts";
import { ConflictError } from "./errors.ts";
import { appendGmEvent } from "./gm-event-source-journal.ts";
import { toGameId, toUserId } from "./ids.ts";
import type { LobbyMetrics } from "./metrics.ts";
import type { CreateGameInput } from "./game-store.ts";
import type { LobbyStores } from "./stores.ts";

/** Statuses in which a game's members may change: before it starts. */
export const MEMBERSHIP_OPEN_STATUSES: readonly GameStatus[] = ["draft", "enrollment_open", "ready_to_start"];

/** Where the Game Master's entries go: the journal stream (embedded, appended over HTTP) or Redis (XADDed by the Game Master). */
export interface GmEventsTarget {
  stream: string;
  via: "journal" | "redis";
}

export interface GameUpdatesOptions {
  gameId: string;
  lastEventId?: string | null | undefined;
  signal: AbortSignal;
  transport: string;
  disconnect?: ((reason: string) => void) | undefined;
}

/**
 * What the edges (tRPC, REST, GraphQL) and in-process callers use of the
 * lobby. The edges authorise each call first (access.ts: LOBBY_ACCESS);
 * a write names its caller `by`, for the log and its idempotency keys.
 */
export interface LobbyApi {
  /** A new game in `draft`; ConflictError (409) when `game_id` is taken. */
  createGame(by: AuthUser, input: unknown): Promise<GameRecord>;
  /** NotFoundError (404) for an unknown game. */
  getGame(gameId: unknown): Promise<GameRecord>;
  listGames(query: unknown): Promise<GameRecordPage>;
  /** Adds a member (idempotent) while the game has not started and is not full; the record after. */
  addMember(by: AuthUser, gameId: unknown, userId: unknown): Promise<GameRecord>;
  /** Removes a member (idempotent) while the game has not started; the record after. */
  removeMember(by: AuthUser, gameId: unknown, userId: unknown): Promise<GameRecord>;
  /** Compare-and-set `{from, to, trigger}`; ConflictError / InvalidTransitionError (409); the record after. */
  transition(by: AuthUser, gameId: unknown, body: unknown): Promise<GameRecord>;
  stats(gameId: unknown): Promise<GameStats>;
  /** NotFoundError (404) until the game's capabilities were evaluated. */
  capabilities(gameId: unknown): Promise<CapabilityEvaluation>;
  /** The game's record changes live, resumable after `lastEventId` (see record-feed.ts). */
  gameUpdates(options: GameUpdatesOptions): Promise<LiveFeed>;
  /** Embedded: appends one Game Master entry (flat string fields) to the stream the worker reads; `key` is in the caller's namespace. */
  appendGmEvent(by: AuthUser, fields: unknown, opts?: { key?: string | undefined }): Promise<{ stream: string; id: string | null; duplicate: boolean }>;
  readonly gmEvents: GmEventsTarget;
}

export interface LobbyApiDeps {
  /** The lobby's stores; `games` announces its changes (record-feed.ts `announcingGameStore`). */
  stores: LobbyStores;
  /** Resolves once the stores are initialised (retried on each call until it succeeds). */
  ready: () => Promise<void>;
  journal: JournalingApi;
  feeds: LiveFeeds;
  clock: Clock;
  logger: Logger;
  metrics: LobbyMetrics;
  gmEvents: GmEventsTarget;
  feedMetrics?: FeedMetrics | undefined;
}

/**
 * The Lobby API over the lobby's stores. Every input is validated (a
 * ValidationError naming the field, 400) before anything is written, and a
 * refused call changes nothing. Transitions taken here count in
 * `lobby_game_transitions_total` like the worker's.
 */
export function lobbyApi(deps: LobbyApiDeps): LobbyApi {
  const { stores, ready, clock, metrics } = deps;
  const { games } = stores;
  const log = deps.logger;

  async function mustGet(gameId: string): Promise<GameRecord> {
    const record = await games.get(gameId);
    if (!record) throw new NotFoundError(`no game ${gameId}`);
    return record;
  }

  function assertMembershipOpen(record: GameRecord): void {
    if (!MEMBERSHIP_OPEN_STATUSES.includes(record.status)) {
      throw new ConflictError(`game ${record.game_id} is ${record.status}: members change only before it starts (${MEMBERSHIP_OPEN_STATUSES.join(", ")})`);
    }
  }

  return {
    gmEvents: deps.gmEvents,

    async createGame(by, input) {
      await ready();
      const record = await games.create(input as CreateGameInput);
      log.info({ game_id: record.game_id, by: by.sub }, "game created");
      return record;
    },

    async getGame(gameId) {
      const id = toGameId(gameId);
      await ready();
      return mustGet(id);
    },

    async listGames(query) {
      const q = parseWith(GameListQuerySchema, query ?? {});
      await ready();
      return games.list({ status: q.status, after: q.after, limit: q.limit });
    },

    async addMember(by, gameId, userId) {
      const [id, user] = [toGameId(gameId), toUserId(userId)];
      await ready();
      const before = await mustGet(id);
      if (before.members.includes(user)) return before;
      assertMembershipOpen(before);
      if (before.members.length >= before.max_players) throw new ConflictError(`game ${id} is full (${before.max_players} players)`);
      await games.addMember(id, user, clock.now());
      const after = await mustGet(id);
      // The size check above is not atomic with the add: of joins racing for the last seat, a join that
      // finds the game over full backs out (all of them may; none stays over the limit).
      if (after.members.length > after.max_players) {
        await games.removeMember(id, user, clock.now());
        throw new ConflictError(`game ${id} is full (${after.max_players} players)`);
      }
      return after;
    },

    async removeMember(by, gameId, userId) {
      const [id, user] = [toGameId(gameId), toUserId(userId)];
      await ready();
      const before = await mustGet(id);
      if (!before.members.includes(user)) return before;
      assertMembershipOpen(before);
      await games.removeMember(id, user, clock.now());
      return mustGet(id);
    },

    async transition(by, gameId, body) {
      const id = toGameId(gameId);
      const { from, to, trigger = "command" } = parseWith(TransitionBodySchema, body);
      if (trigger === "runtime_event") {
        throw new ValidationError("trigger: runtime_event is the Game Master's: a game finishes only by its game_finished event", "trigger");
      }
      await ready();
      await games.updateStatus({ gameId: id, expectedFrom: from, to, trigger, at: clock.now() });
      metrics.transition(from, to, trigger);
      log.info({ game_id: id, from_status: from, to_status: to, trigger, by: by.sub }, "game status changed");
      return mustGet(id);
    },

    async stats(gameId) {
      const id = toGameId(gameId);
      await ready();
      await mustGet(id);
      return stores.stats.get(id);
    },

    async capabilities(gameId) {
      const id = toGameId(gameId);
      await ready();
      const record = await mustGet(id);
      const evaluation = await stores.capabilities.get(id);
      if (!evaluation) throw new NotFoundError(`game ${id} (${record.status}) has no capability evaluation yet: it runs when the Game Master reports the game finished`);
      return evaluation;
    },

    async gameUpdates({ gameId, lastEventId, signal, transport, disconnect }) {
      const id = toGameId(gameId, "gameId");
      if (lastEventId && !isStreamId(lastEventId)) {
        throw new ValidationError(`lastEventId must be an event id such as 1732350000000-0, got ${JSON.stringify(lastEventId)}`, "lastEventId");
      }
      await ready();
      await mustGet(id);
      return deps.feeds.follow({
        stream: toGameRecordsStream(id),
        lastEventId: lastEventId ?? null,
        signal,
        transport,
        ...(disconnect ? { disconnect } : {}),
        describe: `game ${id}'s record changes`,
        ...(deps.feedMetrics ? { metrics: deps.feedMetrics } : {}),
      });
    },

    async appendGmEvent(by, fields, { key } = {}) {
      const { stream, via } = deps.gmEvents;
      if (via !== "journal") {
        throw new GameJournalError(
          "CONFLICT",
          `this lobby reads the Game Master's Redis stream ${stream}: the Game Master writes to it directly (XADD ${stream} * kind … game_id …); this route serves the embedded deployment only`,
        );
      }
      if (key !== undefined && (typeof key !== "string" || key.length < 1 || key.length > 256)) {
        throw new ValidationError("Idempotency-Key: expected 1 to 256 characters", "Idempotency-Key");
      }
      const scoped = key === undefined ? undefined : scopedKey(principalOf(by), key);
      const result = await appendGmEvent(deps.journal.journal, fields, { clock, key: scoped, stream, maxBytes: deps.journal.maxEventBytes });
      return { stream, id: result.id, duplicate: result.duplicate };
    },
  };
}
