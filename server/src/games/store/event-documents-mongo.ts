import { GameJournalError } from "../../errors.ts";
import type { EncodedEvent } from "./event-store-input.ts";
import type { GameSummary, StoredEvent } from "./event-store.ts";

/**
 * The layout of game events in MongoDB's `events` collection: one document
 * an event, as the seed shows them (`db.events.find({gameId})`), plus what
 * makes an append of several events atomic without transactions.
 *
 * An append of n events is a batch with ids first..last. Its first document,
 * the head (`head: true`), holds the whole batch: its own event, the others
 * in `rest`, and the directory summary. Inserting the head is the commit;
 * the other documents (tails) are copies made from it afterwards with
 * idempotent inserts, so a tail is the same document whoever writes it.
 * The store's own reads and writes only trust heads; tails exist for the
 * seed's shape, its indexes and tools. When a crash left some missing, a
 * retry of the command writes them all, and the next append writes the
 * previous batch's when its last one is missing.
 */
export interface EventDocument {
  /** `<gameId>:<eventId>`: point reads by `_id` are the cheapest query on FerretDB. */
  _id: string;
  gameId: string;
  eventId: number;
  type: string;
  playerId: number | null;
  timestamp: Date;
  /** The payload as JSON text: it round-trips exactly and its keys need no escaping. */
  data: string;
  commandId: string | null;
  /**
   * Unique per game (an index): `c:<commandId>` on the head of a command
   * with an id, `e:<eventId>` on every other document. So one insert both
   * claims the next id and the command, and a command lands at most once.
   */
  cmdKey: string;
  head: boolean;
  /** The batch's first and last ids. */
  first: number;
  last: number;
  /** Heads only: events first+1..last. */
  rest?: Array<{ type: string; playerId: number | null; data: string }>;
  /** Heads only, when the append carried one. */
  summary?: GameSummary;
}

/** One append, as the head records it. */
export interface Batch {
  gameId: string;
  first: number;
  events: EncodedEvent[];
  commandId: string | null;
  timestamp: number;
  summary: GameSummary | undefined;
}

export function eventKey(gameId: string, eventId: number): string {
  return `${gameId}:${eventId}`;
}

export function commandKey(commandId: string): string {
  return `c:${commandId}`;
}

export function lastOf(batch: Batch): number {
  return batch.first + batch.events.length - 1;
}

/** The batch's documents, head first. */
export function batchDocuments(batch: Batch): EventDocument[] {
  const last = lastOf(batch);
  return batch.events.map((event, i): EventDocument => {
    const eventId = batch.first + i;
    const doc: EventDocument = {
      _id: eventKey(batch.gameId, eventId),
      gameId: batch.gameId,
      eventId,
      type: event.type,
      playerId: event.playerId,
      timestamp: new Date(batch.timestamp),
      data: event.json,
      commandId: batch.commandId,
      cmdKey: i === 0 && batch.commandId !== null ? commandKey(batch.commandId) : `e:${eventId}`,
      head: i === 0,
      first: batch.first,
      last,
    };
    if (i === 0) {
      doc.rest = batch.events.slice(1).map(({ type, playerId, json }) => ({ type, playerId, data: json }));
      if (batch.summary) doc.summary = batch.summary;
    }
    return doc;
  });
}

/** The batch a head document records. */
export function batchOfHead(head: EventDocument): Batch {
  const rest = head.rest ?? [];
  if (!head.head || head.last !== head.first + rest.length) {
    throw new GameJournalError("INTERNAL", `event ${head._id} is not the head of a batch this build reads`);
  }
  return {
    gameId: head.gameId,
    first: head.first,
    events: [{ type: head.type, playerId: head.playerId, json: head.data }, ...rest.map((e) => ({ type: e.type, playerId: e.playerId, json: e.data }))],
    commandId: head.commandId,
    timestamp: head.timestamp.getTime(),
    summary: head.summary,
  };
}

export function storedEvents(batch: Batch): StoredEvent[] {
  return batch.events.map((event, i) => ({
    gameId: batch.gameId,
    eventId: batch.first + i,
    type: event.type,
    playerId: event.playerId,
    timestamp: batch.timestamp,
    data: JSON.parse(event.json) as unknown,
    commandId: batch.commandId,
  }));
}
