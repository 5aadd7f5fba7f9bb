import type { Collection, Db } from "mongodb";
import { scopesOf } from "../platform/auth-user.ts";
import type { ServerKeyRecord, ServerKeyStore } from "./server-keys.ts";

interface KeyDocument {
  _id: string;
  name: string;
  scopes: string[];
  hash: string;
  created_at: Date;
  revoked_at: Date | null;
}

const recordOf = (d: KeyDocument): ServerKeyRecord => ({
  id: d._id,
  name: d.name,
  scopes: scopesOf(d.scopes),
  hash: d.hash,
  created_at: d.created_at,
  revoked_at: d.revoked_at ?? null,
});

/** Server keys in MongoDB (`server_keys`, one document a key, keyed by id; revocation is a single-document update). */
export class MongoServerKeyStore implements ServerKeyStore {
  private readonly keys: Collection<KeyDocument>;

  constructor(db: Db) {
    if (!db) throw new Error("new mongo server key store: no database");
    this.keys = db.collection<KeyDocument>("server_keys");
  }

  async init(): Promise<void> {
    await this.keys.createIndex({ created_at: -1 });
  }

  async insert(r: ServerKeyRecord): Promise<void> {
    await this.keys.insertOne({ _id: r.id, name: r.name, scopes: r.scopes, hash: r.hash, created_at: r.created_at, revoked_at: r.revoked_at });
  }

  async find(id: string): Promise<ServerKeyRecord | null> {
    const doc = await this.keys.findOne({ _id: id });
    return doc ? recordOf(doc) : null;
  }

  async list(): Promise<ServerKeyRecord[]> {
    return (await this.keys.find({}).sort({ created_at: -1, _id: 1 }).toArray()).map(recordOf);
  }

  async revoke(id: string, at: Date): Promise<boolean> {
    const result = await this.keys.updateOne({ _id: id, revoked_at: null }, { $set: { revoked_at: at } });
    return result.modifiedCount === 1;
  }
}
