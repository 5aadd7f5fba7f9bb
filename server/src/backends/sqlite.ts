import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Opens (creating when missing) an embedded SQLite database in WAL mode.
 *
 * Durability: `synchronous = NORMAL` in WAL mode means a committed
 * transaction survives a crash of this process; only an OS crash or power
 * loss can drop the last transactions. Set `durable: "full"` for fsync on
 * every commit.
 */
export function openSqlite(path: string, { durable = "normal" }: { durable?: "normal" | "full" } = {}): Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { create: true, strict: true });
  db.exec("PRAGMA journal_mode = WAL");
  db.exec(`PRAGMA synchronous = ${durable === "full" ? "FULL" : "NORMAL"}`);
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec("PRAGMA foreign_keys = ON");
  return db;
}
