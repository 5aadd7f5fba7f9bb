import { JOURNAL_STREAMS } from "@gamejournal/shared";
import { ValidationError } from "../errors.ts";

const LOBBY_STREAM = /^lobby:\{[^}]+\}:events$/;

/** Streams the read API serves: the journal streams, their dead-letter streams and per-lobby streams. */
export function isReadableStream(name: string): boolean {
  const base = name.endsWith(":dlq") ? name.slice(0, -4) : name;
  return (JOURNAL_STREAMS as readonly string[]).includes(base) || LOBBY_STREAM.test(name);
}

export function assertReadableStream(name: string): string {
  if (!isReadableStream(name)) {
    throw new ValidationError(
      `unknown stream "${name}": expected one of ${JOURNAL_STREAMS.join(", ")}, their ":dlq" streams, or a lobby stream "lobby:{<lobby_id>}:events"`,
      "stream",
    );
  }
  return name;
}
