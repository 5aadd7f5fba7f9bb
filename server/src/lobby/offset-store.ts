import { ValidationError } from "../errors.ts";

/**
 * Where a stream consumer keeps the id of the last entry it handled (the
 * seed's `ports.StreamOffsetStore`), under a label that stays stable when the
 * stream key is renamed (the gm events worker's is `gm_lobby_events`).
 * Adapters: `offset-store-mongo.ts`, `offset-store-sqlite.ts`; both pass
 * test/lobby/offset-store.test.ts.
 *
 * Guarantees: `save` overwrites the label's id (last write wins: one
 * consumer per label at a time, under a lease, keeps it moving forward; a
 * late write from a previous holder can only move it back, which replays
 * entries the consumer absorbs); `load` returns the last saved id. A saved
 * id is durable as the backend acknowledges writes. Labels are 1 to 100
 * characters of letters, digits, `_`, `-`, `.` and `:`; ids are stream ids.
 */
export interface OffsetStore {
  /** Creates the table / index; safe to call again and from several instances. */
  init(): Promise<void>;
  load(label: string): Promise<{ id: string; found: boolean }>;
  save(label: string, id: string): Promise<void>;
}

const LABEL = /^[A-Za-z0-9_.:-]{1,100}$/;
const STREAM_ID = /^\d{1,16}-\d{1,16}$/;

export function parseOffset(label: unknown, id?: unknown): { label: string; id: string } {
  if (typeof label !== "string" || !LABEL.test(label)) throw new ValidationError(`label: expected 1 to 100 of A-Z a-z 0-9 _ . : -, got ${JSON.stringify(label)}`, "label");
  if (id === undefined) return { label, id: "" };
  if (typeof id !== "string" || !STREAM_ID.test(id)) throw new ValidationError(`id: expected a stream id <ms>-<seq>, got ${JSON.stringify(id)}`, "id");
  return { label, id };
}
