/**
 * Journal entry ids have the Redis stream form `<ms>-<seq>` on every backend
 * and strictly increase within a stream. These helpers parse, compare and
 * step them without allocating BigInts: `ms` stays well inside 2^53.
 */

export interface StreamId {
  ms: number;
  seq: number;
}

const ID = /^(\d{1,16})-(\d{1,16})$/;

/** `1732350000000-0`, or a bare `1732350000000` (seq 0), as Redis accepts. */
export function isStreamId(value: string): boolean {
  return ID.test(value) || /^\d{1,16}$/.test(value);
}

export function parseId(value: string): StreamId {
  const match = ID.exec(value);
  if (match) return { ms: Number(match[1]), seq: Number(match[2]) };
  if (/^\d{1,16}$/.test(value)) return { ms: Number(value), seq: 0 };
  throw new Error(`not a stream id: "${value}"`);
}

export function formatId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

/** Negative when a < b, zero when equal, positive when a > b. */
export function compareIds(a: string, b: string): number {
  const x = parseId(a);
  const y = parseId(b);
  return x.ms - y.ms || x.seq - y.seq;
}

/** The next id a stream hands out after `last` at time `now`, exactly as Redis does for `*`. */
export function nextId(last: StreamId, now: number): StreamId {
  return now > last.ms ? { ms: now, seq: 0 } : { ms: last.ms, seq: last.seq + 1 };
}
