import type { Database } from "bun:sqlite";

/**
 * The embedded journal's tables (see sqlite-journal.ts). An entry is two
 * rows: its body (the event's JSON) in `journal_bodies`, a rowid table that
 * appends fill page after page, and its id in `journal_ids`, keyed by
 * (stream number, ms, seq) and pointing at the body. Keyed by the stream's
 * name and holding the body, one table cost 22% more than the bodies alone
 * (the name on every row, and key-ordered pages split about 10% empty); this
 * way an entry costs its JSON plus about 20 bytes.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS journal_streams (
  name TEXT PRIMARY KEY,
  last_ms INTEGER NOT NULL DEFAULT 0, last_seq INTEGER NOT NULL DEFAULT 0,
  length INTEGER NOT NULL DEFAULT 0,
  deleted_ms INTEGER NOT NULL DEFAULT 0, deleted_seq INTEGER NOT NULL DEFAULT 0,
  sid INTEGER,
  added INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS journal_bodies (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal_ids (
  sid INTEGER NOT NULL, ms INTEGER NOT NULL, seq INTEGER NOT NULL, body_id INTEGER NOT NULL,
  PRIMARY KEY (sid, ms, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS journal_idempotency (
  stream TEXT NOT NULL, key TEXT NOT NULL, id TEXT NOT NULL, expires_at INTEGER NOT NULL,
  PRIMARY KEY (stream, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS journal_groups (
  stream TEXT NOT NULL, name TEXT NOT NULL,
  last_ms INTEGER NOT NULL, last_seq INTEGER NOT NULL,
  entries_read INTEGER NOT NULL DEFAULT 0, pending INTEGER NOT NULL DEFAULT 0, consumers INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (stream, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS journal_pending (
  stream TEXT NOT NULL, grp TEXT NOT NULL, ms INTEGER NOT NULL, seq INTEGER NOT NULL,
  consumer TEXT NOT NULL, delivered_at INTEGER NOT NULL, deliveries INTEGER NOT NULL,
  PRIMARY KEY (stream, grp, ms, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS journal_consumers (
  stream TEXT NOT NULL, grp TEXT NOT NULL, name TEXT NOT NULL, seen_at INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (stream, grp, name)
) WITHOUT ROWID;
`;

/**
 * Brings a journal written by an earlier version to the current tables, in
 * one transaction (SQLite has no ADD COLUMN IF NOT EXISTS): streams get
 * their numbers; entries move from `journal_entries` (name, ms, seq, body in
 * one table) to bodies and ids; streams get their appended counter and
 * groups their counters (filled in once from the rows); consumers the time
 * they were last seen.
 */
function migrate(db: Database): void {
  const has = (table: string, column: string) => db.query<{ name: string }, []>(`PRAGMA table_info(${table})`).all().some((c) => c.name === column);
  const exists = (table: string) => db.query<{ n: number }, [string]>("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name = ?").get(table)!.n > 0;
  db.transaction(() => {
    if (!has("journal_streams", "sid")) db.exec("ALTER TABLE journal_streams ADD COLUMN sid INTEGER");
    db.exec("UPDATE journal_streams SET sid = rowid + (SELECT COALESCE(MAX(sid), 0) FROM journal_streams) WHERE sid IS NULL");
    db.exec("CREATE UNIQUE INDEX IF NOT EXISTS journal_streams_sid ON journal_streams (sid)");
    if (exists("journal_entries")) {
      const base = db.query<{ n: number }, []>("SELECT COALESCE(MAX(id), 0) AS n FROM journal_bodies").get()!.n;
      db.exec(`INSERT INTO journal_bodies (id, body) SELECT ${base} + ROW_NUMBER() OVER (ORDER BY stream, ms, seq), body FROM journal_entries`);
      db.exec(`INSERT INTO journal_ids (sid, ms, seq, body_id)
        SELECT s.sid, e.ms, e.seq, ${base} + ROW_NUMBER() OVER (ORDER BY e.stream, e.ms, e.seq)
        FROM journal_entries e JOIN journal_streams s ON s.name = e.stream`);
      db.exec("DROP TABLE journal_entries");
    }
    if (!has("journal_streams", "added")) {
      // What was appended before the column existed is at least what is still there.
      db.exec("ALTER TABLE journal_streams ADD COLUMN added INTEGER NOT NULL DEFAULT 0");
      db.exec("UPDATE journal_streams SET added = length");
    }
    if (!has("journal_consumers", "seen_at")) db.exec("ALTER TABLE journal_consumers ADD COLUMN seen_at INTEGER NOT NULL DEFAULT 0");
    if (!has("journal_groups", "entries_read")) {
      for (const column of ["entries_read", "pending", "consumers"]) {
        if (!has("journal_groups", column)) db.exec(`ALTER TABLE journal_groups ADD COLUMN ${column} INTEGER NOT NULL DEFAULT 0`);
      }
      db.exec(`UPDATE journal_groups AS g SET
        entries_read = (SELECT s.added FROM journal_streams s WHERE s.name = g.stream)
          - (SELECT count(*) FROM journal_ids i WHERE i.sid = (SELECT sid FROM journal_streams WHERE name = g.stream) AND (i.ms, i.seq) > (g.last_ms, g.last_seq)),
        pending = (SELECT count(*) FROM journal_pending p WHERE p.stream = g.stream AND p.grp = g.name),
        consumers = (SELECT count(*) FROM journal_consumers c WHERE c.stream = g.stream AND c.grp = g.name)`);
    }
  })();
}

export interface StreamRow {
  sid: number;
  last_ms: number;
  last_seq: number;
  length: number;
  deleted_ms: number;
  deleted_seq: number;
  /** Entries ever appended (trimming does not lower it), as Redis's entries-added. */
  added: number;
}

/**
 * A consumer group's counters, kept as entries move so that `info` costs
 * the same whatever the backlog (counting rows per group made it
 * O(groups × lag): 50 groups at `0` on a 200k-entry stream took seconds).
 * `entries_read` is the stream's `added` as of the group's last delivered
 * entry, as Redis's entries-read: lag = added - entries_read, at most the
 * stream's length.
 */
export interface GroupRow {
  name: string;
  last_ms: number;
  last_seq: number;
  entries_read: number;
  pending: number;
  consumers: number;
}

export interface EntryRow {
  ms: number;
  seq: number;
  body: string;
}

/**
 * The journal's prepared statements. Ranges compare `(ms, seq)` as row
 * values, which SQLite answers from the primary key (the equivalent
 * `ms > ? OR (ms = ? AND seq > ?)` scans the stream from its start).
 */
export function prepareStatements(db: Database) {
  db.exec(SCHEMA);
  migrate(db);
  /** A stream's number, from its name (the key of `journal_ids`). */
  const SID = "(SELECT sid FROM journal_streams WHERE name = ?)";
  return {
    stream: db.query<StreamRow, [string]>("SELECT sid, last_ms, last_seq, length, deleted_ms, deleted_seq, added FROM journal_streams WHERE name = ?"),
    createStream: db.query("INSERT OR IGNORE INTO journal_streams (name, sid) VALUES (?, (SELECT COALESCE(MAX(sid), 0) + 1 FROM journal_streams))"),
    advance: db.query("UPDATE journal_streams SET last_ms = ?1, last_seq = ?2, length = length + ?3, added = added + ?3 WHERE name = ?4"),
    insertBody: db.query("INSERT INTO journal_bodies (body) VALUES (?)"),
    insertId: db.query("INSERT INTO journal_ids (sid, ms, seq, body_id) VALUES (?, ?, ?, ?)"),
    idemGet: db.query<{ id: string }, [string, string, number]>("SELECT id FROM journal_idempotency WHERE stream = ? AND key = ? AND expires_at > ?"),
    idemPut: db.query("INSERT OR REPLACE INTO journal_idempotency (stream, key, id, expires_at) VALUES (?, ?, ?, ?)"),
    idemPurge: db.query("DELETE FROM journal_idempotency WHERE expires_at <= ?"),
    rangeAfter: db.query<EntryRow, [string, number, number, number, number, number]>(
      `SELECT i.ms, i.seq, b.body FROM journal_ids i JOIN journal_bodies b ON b.id = i.body_id
       WHERE i.sid = ${SID} AND (i.ms, i.seq) > (?, ?) AND (i.ms, i.seq) <= (?, ?) ORDER BY i.ms, i.seq LIMIT ?`,
    ),
    first: db.query<{ ms: number; seq: number }, [string]>(`SELECT ms, seq FROM journal_ids WHERE sid = ${SID} ORDER BY ms, seq LIMIT 1`),
    entry: db.query<EntryRow, [string, number, number]>(
      `SELECT i.ms, i.seq, b.body FROM journal_ids i JOIN journal_bodies b ON b.id = i.body_id WHERE i.sid = ${SID} AND i.ms = ? AND i.seq = ?`,
    ),
    nthNewest: db.query<{ ms: number; seq: number }, [string, number]>(
      `SELECT ms, seq FROM journal_ids WHERE sid = ${SID} ORDER BY ms DESC, seq DESC LIMIT 1 OFFSET ?`,
    ),
    last: db.query<{ ms: number; seq: number }, [string]>(`SELECT ms, seq FROM journal_ids WHERE sid = ${SID} ORDER BY ms DESC, seq DESC LIMIT 1`),
    newestBelow: db.query<{ ms: number; seq: number }, [string, number, number]>(
      `SELECT ms, seq FROM journal_ids WHERE sid = ${SID} AND (ms, seq) < (?, ?) ORDER BY ms DESC, seq DESC LIMIT 1`,
    ),
    groups: db.query<GroupRow, [string]>("SELECT name, last_ms, last_seq, entries_read, pending, consumers FROM journal_groups WHERE stream = ? ORDER BY name"),
    group: db.query<GroupRow, [string, string]>("SELECT name, last_ms, last_seq, entries_read, pending, consumers FROM journal_groups WHERE stream = ? AND name = ?"),
    createGroup: db.query("INSERT OR IGNORE INTO journal_groups (stream, name, last_ms, last_seq, entries_read) VALUES (?, ?, ?, ?, ?)"),
    /** Moves the group past a delivery: its new position and entries read, and the entries now pending. */
    setGroup: db.query("UPDATE journal_groups SET last_ms = ?, last_seq = ?, entries_read = ?, pending = pending + ? WHERE stream = ? AND name = ?"),
    addGroupPending: db.query("UPDATE journal_groups SET pending = pending + ? WHERE stream = ? AND name = ?"),
    addGroupConsumer: db.query("UPDATE journal_groups SET consumers = consumers + 1 WHERE stream = ? AND name = ?"),
    /** Registers a consumer (changes 0 when it was known), seen now. */
    addConsumer: db.query("INSERT OR IGNORE INTO journal_consumers (stream, grp, name, seen_at) VALUES (?, ?, ?, ?)"),
    /** Notes that a known consumer was seen now: its idle time starts again, as in Redis. */
    touchConsumer: db.query("UPDATE journal_consumers SET seen_at = ? WHERE stream = ? AND grp = ? AND name = ?"),
    consumerList: db.query<{ name: string; seen_at: number; pending: number }, [string, string]>(
      `SELECT c.name, c.seen_at, (SELECT count(*) FROM journal_pending p WHERE p.stream = c.stream AND p.grp = c.grp AND p.consumer = c.name) AS pending
       FROM journal_consumers c WHERE c.stream = ? AND c.grp = ? ORDER BY c.name`,
    ),
    /** Removes one entry (XDEL): its body, then its id row (changes 1 when it was there). */
    deleteEntryBody: db.query(`DELETE FROM journal_bodies WHERE id = (SELECT body_id FROM journal_ids WHERE sid = ${SID} AND ms = ? AND seq = ?)`),
    deleteEntry: db.query(`DELETE FROM journal_ids WHERE sid = ${SID} AND ms = ? AND seq = ?`),
    addPending: db.query("INSERT OR REPLACE INTO journal_pending (stream, grp, ms, seq, consumer, delivered_at, deliveries) VALUES (?, ?, ?, ?, ?, ?, 1)"),
    ownPending: db.query<EntryRow & { deliveries: number }, [string, string, string, number]>(
      `SELECT p.ms, p.seq, b.body, p.deliveries FROM journal_pending p
       JOIN journal_streams s ON s.name = p.stream
       JOIN journal_ids i ON i.sid = s.sid AND i.ms = p.ms AND i.seq = p.seq
       JOIN journal_bodies b ON b.id = i.body_id
       WHERE p.stream = ? AND p.grp = ? AND p.consumer = ? ORDER BY p.ms, p.seq LIMIT ?`,
    ),
    idlePending: db.query<{ ms: number; seq: number; deliveries: number }, [string, string, number, number]>(
      "SELECT ms, seq, deliveries FROM journal_pending WHERE stream = ? AND grp = ? AND delivered_at <= ? ORDER BY ms, seq LIMIT ?",
    ),
    onePending: db.query<{ deliveries: number }, [string, string, number, number]>(
      "SELECT deliveries FROM journal_pending WHERE stream = ? AND grp = ? AND ms = ? AND seq = ?",
    ),
    claim: db.query("UPDATE journal_pending SET consumer = ?, delivered_at = ?, deliveries = deliveries + 1 WHERE stream = ? AND grp = ? AND ms = ? AND seq = ?"),
    dropPending: db.query("DELETE FROM journal_pending WHERE stream = ? AND grp = ? AND ms = ? AND seq = ?"),
    pendingCount: db.query<{ n: number }, [string, string]>("SELECT count(*) AS n FROM journal_pending WHERE stream = ? AND grp = ?"),
    pendingByConsumer: db.query<{ name: string; n: number }, [string, string]>(
      "SELECT consumer AS name, count(*) AS n FROM journal_pending WHERE stream = ? AND grp = ? GROUP BY consumer ORDER BY consumer",
    ),
    consumers: db.query<{ n: number }, [string, string]>("SELECT count(*) AS n FROM journal_consumers WHERE stream = ? AND grp = ?"),
    countAfter: db.query<{ n: number }, [string, number, number]>(`SELECT count(*) AS n FROM journal_ids WHERE sid = ${SID} AND (ms, seq) > (?, ?)`),
    deleteBodiesBelow: db.query(
      `DELETE FROM journal_bodies WHERE id IN (SELECT body_id FROM journal_ids WHERE sid = ${SID} AND (ms, seq) < (?, ?))`,
    ),
    deleteBelow: db.query(`DELETE FROM journal_ids WHERE sid = ${SID} AND (ms, seq) < (?, ?)`),
    markDeleted: db.query("UPDATE journal_streams SET length = length - ?, deleted_ms = ?, deleted_seq = ? WHERE name = ?"),
    streams: db.query<{ name: string }, []>("SELECT name FROM journal_streams ORDER BY name"),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
