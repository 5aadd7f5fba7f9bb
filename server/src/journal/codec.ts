import type { JournalEntry, JournalEvent } from "./journal.ts";

/**
 * How an event is stored. Redis keeps one field per attribute (readable
 * with `redis-cli XRANGE`, and compact: Redis stores repeated field names
 * once per stream node); `data` is JSON text. SQLite keeps the event as one
 * JSON text. Absent attributes are not stored.
 */

const STRING_FIELDS = ["user_id", "session_id", "match_id", "lobby_id", "key"] as const;

/** The event as one JSON text; `dataJson`, when the caller has serialised `data` already, is used as is. */
export function encodeEvent(event: JournalEvent, dataJson = dataText(event)): string {
  const head = JSON.stringify(attributes(event));
  return `${head.slice(0, -1)},"data":${dataJson}}`;
}

/** `data` as JSON text (null when absent). */
export function dataText(event: JournalEvent): string {
  return JSON.stringify(event.data ?? null);
}

export function decodeEvent(id: string, body: string): JournalEntry {
  return { id, ...(JSON.parse(body) as JournalEvent) };
}

/** XADD field/value pairs; `dataJson` as for `encodeEvent`. */
export function toFields(event: JournalEvent, dataJson = dataText(event)): string[] {
  return pushFields([], event, dataJson);
}

/**
 * Pushes the XADD field/value pairs onto `into` (after whatever it holds).
 * Strings are stored as UTF-8: a lone surrogate becomes U+FFFD here, as the
 * Redis client would make of it, so every path stores the same bytes.
 */
export function pushFields<T extends unknown[]>(into: T, event: JournalEvent, dataJson = dataText(event)): T {
  into.push("type", wellFormed(event.type), "ts", String(event.ts));
  for (const name of STRING_FIELDS) {
    const value = event[name];
    if (value !== undefined) into.push(name, wellFormed(value));
  }
  if (event.mode !== undefined) into.push("mode", String(event.mode));
  into.push("data", dataJson);
  return into;
}

function wellFormed(text: string): string {
  return text.isWellFormed() ? text : text.toWellFormed();
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

/** Everything but `data`, absent attributes left out. */
function attributes(event: JournalEvent): Omit<JournalEvent, "data"> {
  const out: Omit<JournalEvent, "data"> = { type: event.type, ts: event.ts };
  for (const name of STRING_FIELDS) if (event[name] !== undefined) out[name] = event[name];
  if (event.mode !== undefined) out.mode = event.mode;
  return out;
}

/**
 * The JSON text of the entry `fromFields` makes of these fields, without
 * building the entry (its JSON once parsed equals `fromFields`'s entry):
 * `data` is spliced in as it is stored when it is JSON (as the journal
 * writes it), `ts` and `mode` are numbers, other known fields JSON strings,
 * unknown fields left out. The replay path of live
 * feeds, which forwards entries as text.
 */
export function fieldsToJson(id: string, fields: readonly string[]): string {
  let text = `{"id":"${id}"`;
  let data = "null";
  let ts: number | undefined;
  let typed = false;
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i]!;
    const value = fields[i + 1]!;
    if (name === "data") data = looksLikeJson(value) ? value : JSON.stringify(value);
    else if (name === "ts") ts = Number(value);
    else if (name === "type") {
      typed = true;
      text += `,"type":${JSON.stringify(value)}`;
    } else if (name === "mode") text += `,"mode":${JSON.stringify(Number(value))}`;
    else if ((STRING_FIELDS as readonly string[]).includes(name)) text += `,"${name}":${JSON.stringify(value)}`;
  }
  if (!typed) text += `,"type":""`;
  return `${text},"ts":${JSON.stringify(ts ?? parseInt(id, 10))},"data":${data}}`;
}

/** Whether `parseData` would parse `text` as JSON, judged cheaply for what the journal writes (objects, arrays, strings, literals, numbers). */
function looksLikeJson(text: string): boolean {
  const first = text.charCodeAt(0);
  if (first === 123 /* { */ || first === 91 /* [ */ || first === 34 /* " */) return true;
  if (text === "true" || text === "false" || text === "null") return true;
  if (first !== 45 /* - */ && (first < 48 || first > 57)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
