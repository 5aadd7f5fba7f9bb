import { MongoBulkWriteError, type Collection, type Db, type Filter } from "mongodb";
import { guardMongo as guard, isMongoUnavailable } from "../backends/mongo.ts";
import { UnavailableError } from "../errors.ts";
import type { SessionEvent } from "./session-event.ts";
import {
  checkPage,
  storableEvents,
  toPage,
  type LobbySessionInfo,
  type PageOptions,
  type SessionEventPage,
  type SessionEventStore,
} from "./session-event-store.ts";

/** The stored document: the seeds' fields, `_id` being the event's idempotency key. */
export type SessionEventDocument = Omit<SessionEvent, "id"> & { _id: string };

const FRAME_ORDER = { timestamp: 1, frame_index: 1, _id: 1 } as const;
const DUPLICATE_KEY = 11000;
const SEED_INDEXES = [{ match_id: 1 }, { match_id: 1, timestamp: 1 }, { lobby_session_id: 1 }, { lobby_session_id: 1, timestamp: 1 }] as const;

/**
 * Session events in a MongoDB collection (seed 001/002 schema:
 * `{_id, lobby_session_id, match_id, node, user_id, frame_index, frame,
 * event_types, timestamp, created_at, updated_at}`).
 *
 * - Idempotency: `_id` is the event id, so MongoDB's always-unique `_id`
 *   index is the unique key; `store` is one unordered `insertMany` whose
 *   duplicate-key errors (an event already stored, by anyone) are the
 *   expected no-ops. No transactions or change streams (FerretDB 1.x has neither).
 * - `init` creates the seeds' indexes: `{match_id}`, `{match_id, timestamp}`,
 *   `{lobby_session_id}`, `{lobby_session_id, timestamp}`.
 * - A lost connection rejects with UnavailableError; other driver errors reject as they are.
 */
export class MongoSessionEventStore implements SessionEventStore {
  private readonly collection: Collection<SessionEventDocument>;

  constructor(db: Db, collectionName = "session_events") {
    if (!db) throw new Error("new mongo session event store: no database handle");
    if (!collectionName) throw new Error("new mongo session event store: no collection name");
    this.collection = db.collection<SessionEventDocument>(collectionName);
  }

  async init(): Promise<void> {
    // One index per command: FerretDB 1.24 drops the connection when a
    // multi-index createIndexes names indexes that already exist.
    for (const key of SEED_INDEXES) {
      await guard("create session event indexes", () => this.collection.createIndex(key));
    }
  }

  async store(events: SessionEvent | readonly SessionEvent[]): Promise<{ stored: number }> {
    const list = storableEvents(events);
    if (list.length === 0) return { stored: 0 };
    const docs = list.map(({ id, ...rest }): SessionEventDocument => ({ _id: id, ...rest }));
    try {
      const result = await this.collection.insertMany(docs, { ordered: false });
      return { stored: result.insertedCount };
    } catch (error) {
      if (error instanceof MongoBulkWriteError) {
        const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
        if (writeErrors.length > 0 && writeErrors.every((w) => w.code === DUPLICATE_KEY)) {
          return { stored: error.result.insertedCount };
        }
      }
      throw isMongoUnavailable(error) ? new UnavailableError("store session events: MongoDB is unavailable", { cause: error }) : error;
    }
  }

  byLobbySession(lobbySessionId: string, options?: PageOptions): Promise<SessionEventPage> {
    return this.page({ lobby_session_id: lobbySessionId }, options);
  }

  byMatch(matchId: string, options?: PageOptions): Promise<SessionEventPage> {
    return this.page({ match_id: matchId }, options);
  }

  countByLobbySession(lobbySessionId: string): Promise<number> {
    return guard("count session events", () => this.collection.countDocuments({ lobby_session_id: lobbySessionId }));
  }

  countByMatch(matchId: string): Promise<number> {
    return guard("count session events", () => this.collection.countDocuments({ match_id: matchId }));
  }

  async lobbySessionInfo(lobbySessionId: string): Promise<LobbySessionInfo | undefined> {
    const filter = { lobby_session_id: lobbySessionId };
    const projection = { created_at: 1, updated_at: 1 };
    const [count, first, last] = await guard("read lobby session", () =>
      Promise.all([
        this.collection.countDocuments(filter),
        this.collection.findOne(filter, { sort: FRAME_ORDER, projection }),
        this.collection.findOne(filter, { sort: { timestamp: -1, frame_index: -1, _id: -1 }, projection }),
      ]),
    );
    if (count === 0 || !first || !last) return undefined;
    return { lobby_session_id: lobbySessionId, count, created_at: first.created_at, updated_at: last.updated_at };
  }

  private async page(filter: Filter<SessionEventDocument>, options?: PageOptions): Promise<SessionEventPage> {
    const { limit, offset, after } = checkPage(options);
    const query: Filter<SessionEventDocument> = after
      ? {
          ...filter,
          $or: [
            { timestamp: { $gt: new Date(after.timestamp) } },
            { timestamp: new Date(after.timestamp), frame_index: { $gt: after.frame_index } },
            { timestamp: new Date(after.timestamp), frame_index: after.frame_index, _id: { $gt: after.id } },
          ],
        }
      : filter;
    const docs = await guard("read session events", () => {
      let cursor = this.collection.find(query, { sort: FRAME_ORDER });
      if (offset > 0) cursor = cursor.skip(offset);
      if (limit !== undefined) cursor = cursor.limit(limit + 1);
      return cursor.toArray();
    });
    return toPage(
      docs.map(({ _id, ...rest }) => ({ id: _id, ...rest })),
      limit,
    );
  }
}
