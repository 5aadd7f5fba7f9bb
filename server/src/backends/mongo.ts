import { MongoClient, type Db } from "mongodb";
import ConnectionString from "mongodb-connection-string-url";

/** The database the URI names in its path, else `gamejournal` (DESIGN.md). */
export function databaseNameOf(uri: string): string {
  const path = new ConnectionString(uri).pathname.replace(/^\//, "");
  return path === "" ? "gamejournal" : decodeURIComponent(path);
}

export interface Mongo {
  client: MongoClient;
  db: Db;
}

/**
 * A MongoDB client for `uri`. The driver connects on first use and
 * reconnects by itself; nothing here blocks start-up when MongoDB is down.
 */
export function openMongo(uri: string, { timeoutMs = 5_000 }: { timeoutMs?: number } = {}): Mongo {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    appName: "gamejournal",
  });
  return { client, db: client.db(databaseNameOf(uri)) };
}
