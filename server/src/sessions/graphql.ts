import { isUuid, type Frame } from "@gamejournal/shared";
import { ValidationError } from "../errors.ts";
import type { GraphQLContext, GraphQLModule } from "../graphql/graphql-module.ts";
import { describeError } from "../http/errors.ts";
import type { Logger } from "../log.ts";
import { assertActsAs, authorize, principalOf } from "../platform/auth-user.ts";
import type { Clock } from "../platform/clock.ts";
import { frameFromInput } from "./frame-input.ts";
import { nodeIdOf, toSessionEvent, type SessionEvent } from "./session-event.ts";
import { cursorOf, type SessionEventStore } from "./session-event-store.ts";
import { SESSIONS_TYPE_DEFS } from "./graphql-schema.ts";

/**
 * Writes a frame the way every other ingest path does (journal first); the
 * session event store is filled from the journal, not by the caller.
 * Resolves with the journal ids (null for a frame spooled while Redis is
 * away); rejects with ValidationError for a frame it refuses.
 */
export type IngestFrame = (frame: Frame, meta: { userId: string; node: string; principal?: string }) => Promise<{ ids: Array<string | null> }>;

/** A live telemetry subscription to a lobby (seed 000's StreamModeLobbySessionTelemetry). */
export interface LobbySubscription {
  session_id: string;
  user_id: string;
  lobby_id: string;
  active: boolean;
}

/** The live telemetry subscriptions, as far as the GraphQL reads need them. */
export interface LobbySubscriptionDirectory {
  list(lobbyId: string): Promise<LobbySubscription[]>;
}

export interface SessionsGraphQLDeps {
  store: SessionEventStore;
  ingestFrame: IngestFrame;
  subscriptions: LobbySubscriptionDirectory;
  clock: Clock;
  logger: Logger;
}

/** The reference's page size when none is asked for, and its cap (nevr-agent v4 clamps to 1..1000). */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

interface PageArgs {
  limit?: number | null;
  offset?: number | null;
  after?: string | null;
}

interface StoreSessionEventInput {
  lobbySessionId: string;
  userId?: string | null;
  frameData: unknown;
}

/**
 * Session events over GraphQL: the reference schema of nevr-agent v4
 * (`lobbySession`, `sessionEvents` as a connection, `storeSessionEvent`) and
 * `lobbySubscriptions`.
 *
 * - `sessionEvents` pages by `offset` like the reference (limit clamped to
 *   1..1000, default 100), and also by `after`, a stable cursor: each edge's
 *   `cursor` can be passed back to continue after it.
 * - `storeSessionEvent` never writes to the store: it validates the frame,
 *   hands it to `ingestFrame` (journal first) and answers the event as it
 *   will be stored (same id), or `{success: false, error}` naming the bad field.
 *   The node is the request's `X-Node-ID` (default `default-node`).
 */
export function sessionsGraphQL(deps: SessionsGraphQLDeps): GraphQLModule {
  for (const name of ["store", "ingestFrame", "subscriptions", "clock", "logger"] as const) {
    if (!deps[name]) throw new Error(`sessions graphql module: no ${name}`);
  }
  const { store, ingestFrame, subscriptions, clock, logger } = deps;
  async function connection(lobbySessionId: string, { limit, offset, after }: PageArgs) {
    const size = Math.min(Math.max(limit ?? DEFAULT_LIMIT, 1), MAX_LIMIT);
    const [page, totalCount] = await Promise.all([
      store.byLobbySession(lobbySessionId, { limit: size, offset: offset ?? 0, after: after ?? undefined }),
      store.countByLobbySession(lobbySessionId),
    ]);
    const edges = page.events.map((event) => ({ node: toNode(event), cursor: cursorOf(event) }));
    return {
      edges,
      totalCount,
      pageInfo: {
        hasNextPage: page.next_after !== undefined,
        hasPreviousPage: (offset ?? 0) > 0 || (after ?? undefined) !== undefined,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
    };
  }

  return {
    typeDefs: SESSIONS_TYPE_DEFS,
    resolvers: {
      Query: {
        async lobbySession(_: unknown, { id }: { id: string }) {
          const lobbySessionId = lobbySessionIdOf(id, "id");
          const info = await store.lobbySessionInfo(lobbySessionId);
          if (!info) return null;
          return { id: lobbySessionId, lobbySessionId, totalEvents: info.count, createdAt: info.created_at, updatedAt: info.updated_at };
        },
        sessionEvents(_: unknown, args: PageArgs & { lobbySessionId: string }) {
          return connection(lobbySessionIdOf(args.lobbySessionId, "lobbySessionId"), args);
        },
        lobbySubscriptions(_: unknown, { lobbyId }: { lobbyId: string }) {
          if (!/^[^\s]{1,128}$/.test(lobbyId)) throw new ValidationError("lobbyId: must be 1 to 128 characters without spaces", "lobbyId");
          return subscriptions.list(isUuid(lobbyId) ? lobbyId.toLowerCase() : lobbyId);
        },
      },
      LobbySession: {
        events(parent: { lobbySessionId: string }, args: PageArgs) {
          return connection(parent.lobbySessionId, args);
        },
      },
      Mutation: {
        async storeSessionEvent(_: unknown, { input }: { input: StoreSessionEventInput }, context: GraphQLContext) {
          try {
            const node = nodeIdOf(context.request.headers.get("x-node-id"));
            const caller = authorize(context.identity, "any");
            const userId = input.userId ?? (caller.via === "open" ? "" : caller.sub);
            assertActsAs(context.identity, caller, [userId], "userId");
            const principal = principalOf(caller);
            const receivedAt = clock.now();
            const frame = frameFromInput(input.lobbySessionId, input.frameData, receivedAt);
            await ingestFrame(frame, { userId, node, ...(principal ? { principal } : {}) });
            return { success: true, event: toNode(toSessionEvent(frame, { userId, node, receivedAt, now: receivedAt })), error: null };
          } catch (error) {
            const described = describeError(error);
            if (described.code === "INTERNAL") logger.error({ err: error }, "storeSessionEvent failed");
            return { success: false, event: null, error: described.message };
          }
        },
      },
    },
  };
}

/** A lobby session id argument, lower-cased; ValidationError naming `field` when it is not a UUID. */
function lobbySessionIdOf(value: string, field: string): string {
  if (!isUuid(value)) throw new ValidationError(`${field}: must be a session UUID`, field);
  return value.toLowerCase();
}

/** The GraphQL view of a stored event (reference field names). */
function toNode(event: SessionEvent) {
  return {
    id: event.id,
    lobbySessionId: event.lobby_session_id,
    matchId: event.match_id,
    userId: event.user_id === "" ? null : event.user_id,
    eventTypes: event.event_types,
    frameData: event.frame,
    timestamp: event.timestamp,
    createdAt: event.created_at,
    updatedAt: event.updated_at,
  };
}
