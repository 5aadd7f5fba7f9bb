import type { Database } from "bun:sqlite";
import { scopesOf } from "../platform/auth-user.ts";
import type { ServerKeyRecord, ServerKeyStore } from "./server-keys.ts";

interface Row {
  id: string;
  name: string;
  scopes: string;
  hash: string;
  created_at: number;
  revoked_at: number | null;
}

const recordOf = (row: Row): ServerKeyRecord => ({
  id: row.id,
  name: row.name,
  scopes: scopesOf(row.scopes),
  hash: row.hash,
  created_at: new Date(row.created_at),
  revoked_at: row.revoked_at === null ? null : new Date(row.revoked_at),
});

/** Server keys in the embedded document database (`server_keys`). */
export class SqliteServerKeyStore implements ServerKeyStore {
  constructor(private readonly db: Database) {
    if (!db) throw new Error("new sqlite server key store: no database handle");
  }

  async init(): Promise<void> {
    this.db.exec(`CREATE TABLE IF NOT EXISTS server_keys (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      scopes TEXT NOT NULL,
      hash TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      revoked_at INTEGER
    )`);
  }

  async insert(r: ServerKeyRecord): Promise<void> {
    this.db
      .query("INSERT INTO server_keys (id, name, scopes, hash, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(r.id, r.name, r.scopes.join(" "), r.hash, r.created_at.getTime(), r.revoked_at?.getTime() ?? null);
  }

  async find(id: string): Promise<ServerKeyRecord | null> {
    const row = this.db.query<Row, [string]>("SELECT * FROM server_keys WHERE id = ?").get(id);
    return row ? recordOf(row) : null;
  }

  async list(): Promise<ServerKeyRecord[]> {
    return this.db.query<Row, []>("SELECT * FROM server_keys ORDER BY created_at DESC, id").all().map(recordOf);
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    return this.db.query("UPDATE server_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").run(at.getTime(), id).changes === 1;
  }
}
