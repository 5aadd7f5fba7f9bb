import { MongoClient, MongoNetworkError, MongoServerSelectionError, MongoTopologyClosedError, type Db } from "mongodb";
import { UnavailableError } from "../errors.ts";

/**
 * The database the URI names in its path, else `gamejournal` (DESIGN.md).
 * Parsed by hand: under Bun, importing mongodb-connection-string-url from ESM
 * yields undefined exports (its modules require each other in a cycle). The
 * connection string spec keeps `/` out of the user info and host list, so the
 * path starts at the first `/` after the scheme and ends at `?`.
 */
export function databaseNameOf(uri: string): string {
  const rest = uri.replace(/^mongodb(\+srv)?:\/\//, "");
  const slash = rest.indexOf("/");
  const path = slash === -1 ? "" : rest.slice(slash + 1).split("?")[0]!;
  return path === "" ? "gamejournal" : decodeURIComponent(path);
}

export interface Mongo {
  client: MongoClient;
  db: Db;
}

/**
 * A MongoDB client for `uri` and its database `database` (default: the
 * URI's). The driver connects on first use and reconnects by itself;
 * nothing here blocks start-up when MongoDB is down.
 */
export function openMongo(uri: string, { timeoutMs = 5_000, database }: { timeoutMs?: number; database?: string } = {}): Mongo {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    appName: "gamejournal",
  });
  return { client, db: client.db(database ?? databaseNameOf(uri)) };
}

/** True for a driver error that means MongoDB could not be reached (not that it refused the operation). */
export function isMongoUnavailable(error: unknown): boolean {
  return error instanceof MongoNetworkError || error instanceof MongoServerSelectionError || error instanceof MongoTopologyClosedError;
}

/** Runs a driver call; losing MongoDB rejects with UnavailableError (503, retried by workers), other errors as they are. */
export async function guardMongo<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw isMongoUnavailable(error) ? new UnavailableError(`${operation}: MongoDB is unavailable`, { cause: error }) : error;
  }
}
