import { MongoBulkWriteError, MongoServerError, type Collection } from "mongodb";
import { batchDocuments, batchOfHead, commandKey, eventKey, type EventDocument } from "./event-documents-mongo.ts";

/** Where a command's batch starts: a lookup table filled after the fact (see `MongoEventLog`). */
export interface CommandDocument {
  /** `JSON.stringify([gameId, commandId])`. */
  _id: string;
  gameId: string;
  commandId: string;
  first: number;
  last: number;
}

/**
 * The reads and idempotent writes the MongoDB event store is built from.
 * FerretDB 1.x pushes down to SQLite only a filter that is exactly
 * `{_id: <string>}`; any other query reads the whole collection (every
 * game). So everything an append or a read does on its way is a point read
 * by `_id`; a query by another field is only the fallback of a rare case
 * (a crash left a batch's tails missing, or a command's lookup row).
 *
 * Command lookup rows (`game_commands`) let a retried command be found
 * with point reads. They are not the guarantee (the unique index on
 * (gameId, cmdKey) is); they are written after the head, and the writer of
 * the next batch writes the previous batch's row again before inserting its
 * head. So every batch but a game's latest has its row, and a command is
 * applied iff its row points at a head of that command, or it is the
 * command of the game's latest batch.
 */
export class MongoEventLog {
  constructor(
    readonly events: Collection<EventDocument>,
    private readonly commands: Collection<CommandDocument>,
  ) {}

  async doc(gameId: string, eventId: number): Promise<EventDocument | null> {
    return this.events.findOne({ _id: eventKey(gameId, eventId) });
  }

  /**
   * Walks from `from` (the end of a committed batch, 0 for none) along heads:
   * each head says where its batch ends, and a batch can only start right
   * after one. Returns the game's version and the last head visited (null
   * when the walk did not move).
   */
  async walk(gameId: string, from: number): Promise<{ version: number; head: EventDocument | null }> {
    let version = from;
    let head: EventDocument | null = null;
    for (;;) {
      const next = await this.doc(gameId, version + 1);
      if (!next) return { version, head };
      head = next;
      version = next.last;
    }
  }

  /** The head of the batch holding event `eventId`, or null when the game has no such event (`version` is its version). */
  async headCovering(gameId: string, eventId: number, version: number): Promise<EventDocument | null> {
    if (eventId < 1 || eventId > version) return null;
    const doc = await this.doc(gameId, eventId);
    if (doc) return doc.head ? doc : this.doc(gameId, doc.first);
    // A tail a crash left missing: its head is the last head at or before it (a scan, but a rare one).
    return this.events.find({ gameId, head: true, eventId: { $lte: eventId } }).sort({ eventId: -1 }).limit(1).next();
  }

  /** Writes the batch's tails; a tail already there is the same document, so duplicates are fine. */
  async insertTails(head: EventDocument): Promise<void> {
    const tails = batchDocuments(batchOfHead(head)).slice(1);
    if (tails.length === 0) return;
    try {
      await this.events.insertMany(tails, { ordered: false });
    } catch (error) {
      const writeErrors = error instanceof MongoBulkWriteError ? [error.writeErrors].flat() : [];
      if (writeErrors.length === 0 || writeErrors.some((w) => w.code !== 11000)) throw error;
    }
  }

  /** Writes the command lookup row of the batch `doc` belongs to (any of its documents will do). */
  async remember(doc: Pick<EventDocument, "gameId" | "commandId" | "first" | "last">): Promise<void> {
    if (doc.commandId === null) return;
    try {
      await this.commands.insertOne({ _id: commandRowKey(doc.gameId, doc.commandId), gameId: doc.gameId, commandId: doc.commandId, first: doc.first, last: doc.last });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /** The head of the command's batch when its lookup row is written, else null (it may still be the game's latest batch). */
  async remembered(gameId: string, commandId: string | null): Promise<EventDocument | null> {
    if (commandId === null) return null;
    const row = await this.commands.findOne({ _id: commandRowKey(gameId, commandId) });
    if (!row) return null;
    const head = await this.doc(gameId, row.first);
    return head?.head && head.commandId === commandId ? head : null;
  }

  /**
   * The head of the command's batch, or null when it was not applied (see
   * the class comment). `latest` is the head of the game's latest batch.
   * With `certain` (the unique index said the command is there) a scan is
   * the last resort.
   */
  async applied(gameId: string, commandId: string | null, latest: EventDocument | null, certain = false): Promise<EventDocument | null> {
    if (commandId === null) return null;
    if (latest?.commandId === commandId) return latest;
    const head = await this.remembered(gameId, commandId);
    if (head || !certain) return head;
    return this.events.findOne({ gameId, cmdKey: commandKey(commandId) });
  }
}

export function commandRowKey(gameId: string, commandId: string): string {
  return JSON.stringify([gameId, commandId]);
}

export function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}
