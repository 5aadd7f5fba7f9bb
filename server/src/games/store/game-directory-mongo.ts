import type { Collection, Filter } from "mongodb";
import { ValidationError } from "../../errors.ts";
import type { EventDocument } from "./event-documents-mongo.ts";
import type { GameListing, GameStatus, GameSummary } from "./event-store.ts";
import { isDuplicateKey, type MongoEventLog } from "./event-log-mongo.ts";

/** One game's row: what `listGames` shows, and a hint of the game's version for `version()`. */
export interface DirectoryDocument {
  /** The game id. */
  _id: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  /**
   * The summary of the highest version that carried one, that version first:
   * MongoDB compares documents field by field, so `$max` keeps the newest.
   */
  summary?: { version: number } & GameSummary;
}

/** What one append (or the log as a whole) says the row should hold. */
export interface DirectoryEntry {
  gameId: string;
  version: number;
  updatedAt: number;
  summary: GameSummary | undefined;
  /** The version `summary` belongs to. */
  summaryVersion: number;
  /** Known when the entry is the game's first append or was read from the log. */
  createdAt: number | undefined;
}

const ATTEMPTS = 5;

/**
 * The game directory on MongoDB: one document a game, derived from the
 * event log (every field comes from a head document) and written after each
 * append with one update filtered by `_id` alone (the only filter FerretDB
 * 1.x pushes down): `$max` on the version, the update time and the
 * version-first summary, so on MongoDB a late writer cannot move a row back.
 * FerretDB 1.x applies updates as read-modify-write, so there a late writer
 * can; hence every writer checks the row after its write against the log
 * (its own version and summary, and no head right after the row's version)
 * and, when the row is behind, rewrites it from the log until it is current.
 * The last write to a row is checked after it, so when appends stop the row
 * shows the log's head (unless that head's writer died; then until the next
 * append). A row's `version` is always the end of a committed batch, which
 * makes it a safe start for walking to the head.
 */
export class MongoGameDirectory {
  constructor(
    private readonly rows: Collection<DirectoryDocument>,
    private readonly log: MongoEventLog,
  ) {}

  async init(): Promise<void> {
    await this.rows.createIndexes([{ key: { createdAt: -1, _id: -1 }, name: "createdAt" }]);
    await this.rows.createIndexes([{ key: { "summary.status": 1, createdAt: -1, _id: -1 }, name: "status_createdAt" }]);
  }

  /** A version the game has reached (0 when no row is kept yet). */
  async versionHint(gameId: string): Promise<number> {
    const row = await this.rows.findOne({ _id: gameId }, { projection: { version: 1 } });
    return row?.version ?? 0;
  }

  /** Brings the game's row up to at least `entry` (see the class comment). */
  async record(entry: DirectoryEntry): Promise<void> {
    let repair: DirectoryEntry | null = null;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      await this.write(entry);
      if (repair) await this.write(repair);
      if (await this.isCurrent(entry)) return;
      repair = await this.fromLog(entry.gameId);
    }
  }

  async list({ status, limit, after }: { status: GameStatus | undefined; limit: number; after: string | undefined }): Promise<GameListing[]> {
    const and: Filter<DirectoryDocument>[] = [];
    if (status !== undefined) and.push({ "summary.status": status });
    if (after !== undefined) {
      const from = await this.rows.findOne({ _id: after }, { projection: { createdAt: 1 } });
      if (!from) throw new ValidationError(`after: no game ${after} is listed`, "after");
      and.push({ $or: [{ createdAt: { $lt: from.createdAt } }, { createdAt: from.createdAt, _id: { $lt: after } }] });
    }
    const rows = await this.rows
      .find(and.length > 0 ? { $and: and } : {})
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit)
      .toArray();
    return rows.map((row) => ({
      gameId: row._id,
      status: row.summary?.status ?? null,
      numPlayers: row.summary?.numPlayers ?? null,
      players: row.summary?.players ?? [],
      version: row.version,
      createdAt: row.createdAt.getTime(),
      updatedAt: row.updatedAt.getTime(),
    }));
  }

  private async write(entry: DirectoryEntry): Promise<void> {
    const { gameId, summary } = entry;
    const newest: Partial<DirectoryDocument> = { version: entry.version, updatedAt: new Date(entry.updatedAt) };
    if (summary) {
      newest.summary = { version: entry.summaryVersion, status: summary.status, numPlayers: summary.numPlayers, players: summary.players };
    }
    for (let attempt = 0; ; attempt++) {
      const { matchedCount } = await this.rows.updateOne({ _id: gameId }, { $max: newest });
      if (matchedCount > 0) return;
      // No row yet: the game's first append, or the writer of an earlier one died before writing it.
      const full = entry.createdAt !== undefined ? entry : await this.fromLog(gameId);
      if (!full || full.createdAt === undefined) return;
      try {
        const row: DirectoryDocument = { _id: gameId, version: full.version, createdAt: new Date(full.createdAt), updatedAt: new Date(full.updatedAt) };
        if (full.summary) row.summary = { version: full.summaryVersion, ...full.summary };
        await this.rows.insertOne(row);
        if (full === entry) return;
      } catch (error) {
        // Another writer created the row meanwhile: update it as above.
        if (!isDuplicateKey(error) || attempt >= 2) throw error;
      }
    }
  }

  /** Whether the row holds `entry` or newer and no batch follows the row's version. */
  private async isCurrent(entry: DirectoryEntry): Promise<boolean> {
    const [row, following] = await Promise.all([
      this.rows.findOne({ _id: entry.gameId }),
      this.log.doc(entry.gameId, entry.version + 1),
    ]);
    if (!row || row.version < entry.version) return false;
    if (entry.summary && (row.summary?.version ?? 0) < entry.summaryVersion) return false;
    if (row.version === entry.version) return following === null;
    return (await this.log.doc(entry.gameId, row.version + 1)) === null;
  }

  /**
   * The row as the log has it now, or null when there is nothing to add:
   * walks the heads after the row's version (point reads) and takes the
   * newest summary among them. A row a late writer moved back has a lower
   * version, so the walk passes the heads it lost.
   */
  private async fromLog(gameId: string): Promise<DirectoryEntry | null> {
    const row = await this.rows.findOne({ _id: gameId });
    let version = row?.version ?? 0;
    let head: EventDocument | null = null;
    let withSummary: EventDocument | null = null;
    for (let next = await this.log.doc(gameId, version + 1); next; next = await this.log.doc(gameId, version + 1)) {
      head = next;
      if (next.summary) withSummary = next;
      version = next.last;
    }
    if (!head) return null;
    const createdAt = row ? row.createdAt.getTime() : (await this.log.doc(gameId, 1))?.timestamp.getTime();
    return {
      gameId,
      version,
      updatedAt: head.timestamp.getTime(),
      summary: withSummary?.summary,
      summaryVersion: withSummary?.last ?? 0,
      createdAt,
    };
  }
}
