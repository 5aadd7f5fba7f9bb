import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Scope } from "../platform/auth-user.ts";

/**
 * Server keys: long-lived credentials for game servers and services, as
 * Nakama separates its server key from session tokens. A key is shown once,
 * when it is created (`gjk_<id>_<secret>`); only the SHA-256 of its secret is
 * stored, so the store cannot give a key back. Revoking a key sets
 * `revoked_at`; a revoked key is refused from then on (within the verifier's
 * cache time, see ServerKeys).
 */

export interface ServerKeyRecord {
  /** Public part of the key: names it in lists and logs. */
  id: string;
  /** What it is for, e.g. "eu-west game servers"; the subject of its requests. */
  name: string;
  scopes: Scope[];
  /** Hex SHA-256 of the secret part. */
  hash: string;
  created_at: Date;
  revoked_at: Date | null;
}

/** A key as listed: everything but its hash. */
export type ServerKeyInfo = Omit<ServerKeyRecord, "hash">;

/** The store of server keys (the document store: MongoDB or the embedded SQLite database); one contract suite, test/auth/. */
export interface ServerKeyStore {
  init(): Promise<void>;
  /** Stores a new key; ids are random, so a clash is an error. */
  insert(record: ServerKeyRecord): Promise<void>;
  find(id: string): Promise<ServerKeyRecord | null>;
  /** Newest first. */
  list(): Promise<ServerKeyRecord[]>;
  /** Sets `revoked_at` once; false for an unknown or already revoked key. */
  revoke(id: string, at: Date): Promise<boolean>;
}

const PREFIX = "gjk_";
const ID = /^[a-z0-9]{12}$/;

/** A new key's id and secret, and its full text. */
export function newServerKey(): { id: string; secret: string; key: string } {
  const id = randomBytes(9)
    .toString("base64url")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "0")
    .slice(0, 12)
    .padEnd(12, "0");
  const secret = randomBytes(32).toString("base64url");
  return { id, secret, key: `${PREFIX}${id}_${secret}` };
}

/** Whether `text` has a server key's form (so a Bearer credential is looked up as a key, not verified as a JWT). */
export function isServerKey(text: string): boolean {
  return text.startsWith(PREFIX);
}

/** The id and secret of a key's text; undefined when it is not one. */
export function parseServerKey(text: string): { id: string; secret: string } | undefined {
  if (!isServerKey(text)) return undefined;
  const id = text.slice(PREFIX.length, PREFIX.length + 12);
  const secret = text.slice(PREFIX.length + 13);
  if (!ID.test(id) || text[PREFIX.length + 12] !== "_" || secret.length < 32) return undefined;
  return { id, secret };
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Compares a presented secret with a stored hash in constant time. */
export function secretMatches(secret: string, hash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), "hex");
  const stored = Buffer.from(hash, "hex");
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

export function infoOf({ hash: _hash, ...info }: ServerKeyRecord): ServerKeyInfo {
  return info;
}
