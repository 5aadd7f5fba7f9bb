import type { Backends } from "../backends/index.ts";
import { MongoServerKeyStore } from "./server-keys-mongo.ts";
import { SqliteServerKeyStore } from "./server-keys-sqlite.ts";
import type { ServerKeyStore } from "./server-keys.ts";

/** The server key store the configuration selects: the document store (MongoDB, else the embedded `documents` database). */
export function openServerKeyStore(backends: Backends): ServerKeyStore {
  return backends.mongo ? new MongoServerKeyStore(backends.mongo.db) : new SqliteServerKeyStore(backends.sqlite("documents"));
}
