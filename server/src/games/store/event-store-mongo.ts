import type { Collection, Db, IndexDescription } from "mongodb";
import { guardMongo } from "../../backends/mongo.ts";
import type { Clock } from "../../platform/clock.ts";
import { batchDocuments, batchOfHead, lastOf, storedEvents, type Batch, type EventDocument } from "./event-documents-mongo.ts";
import { MongoEventLog, isDuplicateKey, type CommandDocument } from "./event-log-mongo.ts";
import {
  checkGameId,
  checkSnapshotVersion,
  parseAppend,
  parseCommandRef,
  parseEventRef,
  parseListGames,
  parseRead,
  parseSnapshot,
  parseTimeRange,
  type AppendInput,
} from "./event-store-input.ts";
import {
  ConcurrencyError,
  type AppendOptions,
  type AppendResult,
  type GameEventStore,
  type GameListing,
  type ListGamesOptions,
  type NewEvent,
  type ReadOptions,
  type Snapshot,
  type StoredEvent,
} from "./event-store.ts";
import { MongoGameDirectory, type DirectoryDocument } from "./game-directory-mongo.ts";

/** Batches a read fetches one by one before it asks for the rest in one query. */
const POINT_READS = 8;

/** The game's snapshot: one document a game, `$max` keeping the highest version (compared first). */
interface SnapshotDocument {
  /** The game id. */
  _id: string;
  snapshot: { version: number; state: string };
}

export interface MongoGameEventStoreOptions {
  clock: Clock;
  /** Collection names; defaults `events` (the seed's), `game_commands`, `game_directory`, `game_snapshots`. */
  collections?: { events?: string; commands?: string; directory?: string; snapshots?: string };
}

/**
 * `GameEventStore` on MongoDB, made for FerretDB 1.x too: no transactions,
 * no upsert trusted to be atomic, and (for FerretDB's sake) point reads by
 * `_id` on every common path. The guarantees are the port's; this is how
 * they hold here (the layout is in `event-documents-mongo.ts`):
 *
 * 1. An append inserts one head document at id `expectedVersion + 1`
 *    carrying all of its events. The unique indexes on (gameId, eventId) and
 *    (gameId, cmdKey) make that insert the compare-and-set: of concurrent
 *    appends at one version exactly one insert succeeds, and a command id
 *    claims its place in the same insert. Readers expand heads, so nothing
 *    of the append is visible before that insert and all of it is after.
 * 2. Before inserting, the writer checks that a batch ending exactly at
 *    `expectedVersion` is committed (the document at that id, else a walk).
 *    So a head only ever starts right after a committed batch, and by
 *    induction batches never overlap: a stale writer cannot claim an id that
 *    belongs to another append's tail, even while that tail is missing.
 * 3. After the head come the tails, the command's lookup row and the
 *    directory row, all idempotent. A crash in between leaves a committed
 *    append with some of them missing: reads do not need them; the next
 *    append completes the previous batch's tails (when its last one is
 *    missing) and lookup row; a retry of the command completes all three.
 * 4. `version` walks from the directory's hint along heads: each head says
 *    where its batch ends, and the next batch can only start right after it.
 * 5. A command is found by its lookup row, or as the game's latest batch
 *    (see `MongoEventLog`); when the unique index reports it but neither
 *    finds it, by a query on (gameId, cmdKey).
 *
 * Cost: an append is about five round trips, all by `_id`; `read` fetches
 * its first batches by `_id` and the rest in one query. `readByTime`,
 * `listGames` and long reads are queries: index-backed on MongoDB, a read of
 * the whole collection on FerretDB 1.x.
 */
export class MongoGameEventStore implements GameEventStore {
  private readonly log: MongoEventLog;
  private readonly snapshots: Collection<SnapshotDocument>;
  private readonly directory: MongoGameDirectory;
  private readonly clock: Clock;

  constructor(db: Db, { clock, collections = {} }: MongoGameEventStoreOptions) {
    if (!db) throw new Error("new mongo game event store: no database handle");
    if (!clock) throw new Error("new mongo game event store: no clock");
    this.clock = clock;
    this.log = new MongoEventLog(
      db.collection<EventDocument>(collections.events ?? "events"),
      db.collection<CommandDocument>(collections.commands ?? "game_commands"),
    );
    this.snapshots = db.collection<SnapshotDocument>(collections.snapshots ?? "game_snapshots");
    this.directory = new MongoGameDirectory(db.collection<DirectoryDocument>(collections.directory ?? "game_directory"), this.log);
  }

  async init(): Promise<void> {
    const indexes: IndexDescription[] = [
      { key: { gameId: 1, eventId: 1 }, name: "gameId_eventId", unique: true },
      { key: { gameId: 1, timestamp: 1 }, name: "gameId_timestamp" },
      { key: { gameId: 1, type: 1 }, name: "gameId_type" },
      { key: { gameId: 1, cmdKey: 1 }, name: "gameId_cmdKey", unique: true },
    ];
    await guardMongo("create game event indexes", async () => {
      // One index per command: FerretDB 1.24 drops the connection when one createIndexes names several that exist.
      for (const index of indexes) await this.log.events.createIndexes([index]);
      await this.directory.init();
    });
  }

  async append(gameId: string, expectedVersion: number, events: NewEvent[], commandId: string | null, options?: AppendOptions): Promise<AppendResult> {
    const input = parseAppend(gameId, expectedVersion, events, commandId, options?.summary);
    return guardMongo("append game events", () => this.appendChecked(input));
  }

  async read(gameId: string, options?: ReadOptions): Promise<StoredEvent[]> {
    const { after, limit } = parseRead(gameId, options);
    return guardMongo("read game events", async () => {
      // The head holding `after + 1`, then head after head by point reads: a reader catching up on a few events
      // costs a few point reads, whatever the size of the collection.
      let head = await this.log.doc(gameId, after + 1);
      if (head && !head.head) head = await this.log.doc(gameId, head.first);
      if (!head) head = await this.log.headCovering(gameId, after + 1, await this.versionOf(gameId));
      const run: StoredEvent[] = [];
      const take = (batchHead: EventDocument) => {
        for (const event of storedEvents(batchOfHead(batchHead))) if (event.eventId > after && run.length < limit) run.push(event);
      };
      for (let step = 1; head && run.length < limit; step++) {
        take(head);
        if (run.length === limit) break;
        if (step < POINT_READS) {
          head = await this.log.doc(gameId, head.last + 1);
          continue;
        }
        // Many to go: the rest in one query (an index range on MongoDB), keeping the gapless part.
        const rest = await this.log.events.find({ gameId, head: true, eventId: { $gt: head.last } }).sort({ eventId: 1 }).limit(limit - run.length).toArray();
        for (const next of rest) {
          if (next.first !== head.last + 1) break;
          take(next);
          head = next;
        }
        break;
      }
      return run;
    });
  }

  async readByTime(gameId: string, fromMs: number, toMs: number, options?: { limit?: number }): Promise<StoredEvent[]> {
    const range = parseTimeRange(gameId, fromMs, toMs, options);
    const heads = await guardMongo("read game events by time", () =>
      this.log.events
        .find({ gameId: range.gameId, head: true, timestamp: { $gte: new Date(range.fromMs), $lte: new Date(range.toMs) } })
        .sort({ eventId: 1 })
        .limit(range.limit)
        .toArray(),
    );
    return heads.flatMap((head) => storedEvents(batchOfHead(head))).slice(0, range.limit);
  }

  async version(gameId: string): Promise<number> {
    return guardMongo("read game version", () => this.versionOf(checkGameId(gameId)));
  }

  latestId(gameId: string): Promise<number> {
    return this.version(gameId);
  }

  async exists(gameId: string, eventId: number): Promise<boolean> {
    const ref = parseEventRef(gameId, eventId);
    if (ref.eventId === 0) return false;
    return guardMongo("check game event", async () => {
      if (await this.log.doc(ref.gameId, ref.eventId)) return true;
      // A tail a crash left missing still exists as part of its head's batch.
      return ref.eventId <= (await this.versionOf(ref.gameId));
    });
  }

  async findCommand(gameId: string, commandId: string): Promise<AppendResult | null> {
    const ref = parseCommandRef(gameId, commandId);
    return guardMongo("find game command", async () => {
      // Its lookup row, else the game's latest batch (point 5 above): a few point reads, no scan.
      const head = (await this.log.remembered(ref.gameId, ref.commandId)) ?? (await this.log.applied(ref.gameId, ref.commandId, (await this.latest(ref.gameId)).latest));
      return head ? this.again(head) : null;
    });
  }

  async listGames(options?: ListGamesOptions): Promise<GameListing[]> {
    const query = parseListGames(options);
    return guardMongo("list games", () => this.directory.list(query));
  }

  async saveSnapshot(gameId: string, version: number, state: unknown): Promise<void> {
    const { gameId: id, version: at, json } = parseSnapshot(gameId, version, state);
    await guardMongo("save game snapshot", async () => {
      checkSnapshotVersion(id, at, await this.versionOf(id));
      for (let attempt = 0; ; attempt++) {
        try {
          await this.snapshots.updateOne({ _id: id }, { $max: { snapshot: { version: at, state: json } } }, { upsert: true });
          return;
        } catch (error) {
          if (!isDuplicateKey(error) || attempt >= 2) throw error; // two first saves raced: update the one that won
        }
      }
    });
  }

  async loadSnapshot(gameId: string): Promise<Snapshot | null> {
    const id = checkGameId(gameId);
    const doc = await guardMongo("load game snapshot", () => this.snapshots.findOne({ _id: id }));
    return doc ? { version: doc.snapshot.version, state: JSON.parse(doc.snapshot.state) as unknown } : null;
  }

  private async appendChecked(input: AppendInput): Promise<AppendResult> {
    const { gameId, expectedVersion, commandId } = input;
    const [remembered, previous] = await Promise.all([this.log.remembered(gameId, commandId), this.previousBatch(gameId, expectedVersion)]);
    if (remembered) return this.again(remembered);
    if ("actual" in previous) {
      const latest = previous.latest ?? (await this.log.headCovering(gameId, previous.actual, previous.actual));
      const applied = await this.log.applied(gameId, commandId, latest);
      if (applied) return this.again(applied);
      throw new ConcurrencyError(gameId, expectedVersion, previous.actual);
    }
    // Every batch but the latest keeps its command's lookup row: write the one of the batch this one follows.
    if (previous.batch) await this.log.remember(previous.batch);
    const batch: Batch = { gameId, first: expectedVersion + 1, events: input.events, commandId, timestamp: this.clock.now(), summary: input.summary };
    const [head] = batchDocuments(batch);
    try {
      await this.log.events.insertOne(head!);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      // Lost the compare-and-set: to another append at this version, or the command is applied already.
      const [taken, { version, latest }] = await Promise.all([this.log.doc(gameId, batch.first), this.latest(gameId)]);
      const applied = commandId !== null && taken?.commandId === commandId ? taken : await this.log.applied(gameId, commandId, latest, taken === null);
      if (applied) return this.again(applied);
      throw new ConcurrencyError(gameId, expectedVersion, version, { cause: error });
    }
    await this.complete(head!);
    return { events: storedEvents(batch), version: lastOf(batch), duplicate: false };
  }

  /** The first result of a command applied before, after making sure everything its append writes after the head is written. */
  private async again(head: EventDocument): Promise<AppendResult> {
    await this.complete(head);
    const batch = batchOfHead(head);
    return { events: storedEvents(batch), version: lastOf(batch), duplicate: true };
  }

  private async complete(head: EventDocument): Promise<void> {
    const batch = batchOfHead(head);
    await Promise.all([
      this.log.insertTails(head),
      this.log.remember(head),
      this.directory.record({
        gameId: batch.gameId,
        version: lastOf(batch),
        updatedAt: batch.timestamp,
        summary: batch.summary,
        summaryVersion: lastOf(batch),
        createdAt: batch.first === 1 ? batch.timestamp : undefined,
      }),
    ]);
  }

  /**
   * Whether a batch ending exactly at `expected` is committed, so that the
   * next head may start right after it: then that batch (one of its
   * documents), completing its tails when a crash left the last one missing.
   * Otherwise the game's actual version and, when the walk met it, the head
   * of its latest batch.
   */
  private async previousBatch(gameId: string, expected: number): Promise<{ batch: EventDocument | null } | { actual: number; latest: EventDocument | null }> {
    if (expected === 0) return { batch: null };
    const doc = await this.log.doc(gameId, expected);
    if (doc && doc.last === expected) return { batch: doc };
    const { version, head } = await this.log.walk(gameId, await this.directory.versionHint(gameId));
    if (doc || version !== expected) return { actual: version, latest: head };
    const torn = head ?? (await this.log.headCovering(gameId, expected, version));
    if (torn) await this.log.insertTails(torn);
    return { batch: torn };
  }

  /** The game's version and the head of its latest batch (null for a game without events). */
  private async latest(gameId: string): Promise<{ version: number; latest: EventDocument | null }> {
    const { version, head } = await this.log.walk(gameId, await this.directory.versionHint(gameId));
    return { version, latest: head ?? (await this.log.headCovering(gameId, version, version)) };
  }

  /** The game's version: from the directory's hint, along heads to the last one. */
  private async versionOf(gameId: string): Promise<number> {
    return (await this.log.walk(gameId, await this.directory.versionHint(gameId))).version;
  }
}
