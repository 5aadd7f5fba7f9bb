import type { JournalEntry, JournalEvent } from "./journal.ts";

/**
 * How an event is stored. Redis keeps one field per attribute (readable
 * with `redis-cli XRANGE`, and compact: Redis stores repeated field names
 * once per stream node); `data` is JSON text. SQLite keeps the event as one
 * JSON text. Absent attributes are not stored.
 */

const STRING_FIELDS = ["user_id", "session_id", "match_id", "lobby_id", "key"] as const;

export function encodeEvent(event: JournalEvent): string {
  return JSON.stringify(compact(event));
}

export function decodeEvent(id: string, body: string): JournalEntry {
  return { id, ...(JSON.parse(body) as JournalEvent) };
}

/** XADD field/value pairs. */
export function toFields(event: JournalEvent): string[] {
  const fields = ["type", event.type, "ts", String(event.ts)];
  for (const name of STRING_FIELDS) {
    const value = event[name];
    if (value !== undefined) fields.push(name, value);
  }
  if (event.mode !== undefined) fields.push("mode", String(event.mode));
  fields.push("data", JSON.stringify(event.data ?? null));
  return fields;
}

/** The inverse of `toFields`; tolerant of entries written by other tools (missing fields, non-JSON data). */
export function fromFields(id: string, fields: Record<string, string>): JournalEntry {
  const entry: JournalEntry = { id, type: fields.type ?? "", ts: Number(fields.ts ?? parseInt(id, 10)), data: parseData(fields.data) };
  for (const name of STRING_FIELDS) {
    const value = fields[name];
    if (value !== undefined) entry[name] = value;
  }
  if (fields.mode !== undefined) entry.mode = Number(fields.mode);
  return entry;
}

function parseData(text: string | undefined): unknown {
  if (text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function compact(event: JournalEvent): JournalEvent {
  const out: JournalEvent = { type: event.type, ts: event.ts, data: event.data ?? null };
  for (const name of STRING_FIELDS) if (event[name] !== undefined) out[name] = event[name];
  if (event.mode !== undefined) out.mode = event.mode;
  return out;
}
