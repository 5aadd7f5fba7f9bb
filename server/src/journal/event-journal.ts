import {
  PLAYER_ACTIONS_STREAM,
  PURCHASES_STREAM,
  RTAPI_STREAM,
  StreamModeLobbySessionTelemetry,
  type AppendAnswer,
  type BatchEvent,
} from "@gamejournal/shared";
import { TooLargeError } from "../errors.ts";
import { dataText } from "./codec.ts";
import type { Clock } from "../platform/clock.ts";
import type { AppendResult, AppendWrite, Journal, JournalEvent } from "./journal.ts";
import type { JournalMetrics } from "./metrics.ts";

/**
 * The writes that follow from a write, appended with it in the same call:
 * how one write reaches every stream it belongs on (a telemetry event with
 * a lobby id also goes to that lobby's stream; see telemetry/lobby-writes.ts).
 */
export type DeriveWrites = (write: AppendWrite) => readonly AppendWrite[];

/** An append's answer, with the ids of the writes derived from each given write. */
export interface DetailedAppendAnswer {
  answer: AppendAnswer;
  /** Per given write, in order: the results of the writes derived from it. */
  derived: AppendResult[][];
}

export interface EventJournalOptions {
  clock: Clock;
  /** Writes derived from each write (default: none). */
  derive?: DeriveWrites;
  /** An event's JSON may be at most this many bytes (default 64 KiB); larger is a 413. */
  maxEventBytes?: number;
  /** At most this many events per call (default 1,000); more is a 413. */
  maxBatch?: number;
  metrics?: JournalMetrics;
}

/** Who appends: idempotency keys are scoped to it (see `scopedKey`). Unset: the unscoped namespace (AUTH_MODE=open, and the server's own writes). */
export interface CallerOptions {
  principal?: string;
}

export interface AppendOptions extends CallerOptions {
  key?: string;
  /** Epoch ms; defaults to now. */
  ts?: number;
}

export interface WriteOptions extends CallerOptions {
  /** Overrides the event size limit for this call (telemetry frames have their own). */
  maxEventBytes?: number;
}

/**
 * An idempotency key in its caller's namespace, `<caller>/<key>` (the caller
 * URI-encoded, so the first `/` splits them), as stored in the entry's `key`:
 * a caller can neither pre-empt nor answer with another caller's key.
 */
export function scopedKey(principal: string | undefined, key: string): string {
  return principal === undefined ? key : `${encodeURIComponent(principal)}/${key}`;
}

/** What the edges (tRPC, REST) and other domains use of the journal; EventJournal implements it. */
export interface JournalingApi {
  /** The journal port itself, for reads and consumer groups. */
  readonly journal: Journal;
  readonly maxEventBytes: number;
  readonly maxBatch: number;
  journalPlayerAction(userId: string, sessionId: string, matchId: string, action: string, data: unknown, opts?: AppendOptions): Promise<AppendAnswer>;
  journalPurchase(userId: string, sessionId: string, purchase: unknown, opts?: AppendOptions): Promise<AppendAnswer>;
  journalTelemetry(userId: string, sessionId: string, lobbyId: string, data: unknown, opts?: AppendOptions): Promise<AppendAnswer>;
  appendBatch(events: readonly BatchEvent[], opts?: CallerOptions): Promise<AppendAnswer>;
  append(writes: readonly AppendWrite[], opts?: WriteOptions): Promise<AppendAnswer>;
  /** As `append`, also answering the ids of the derived writes (a broadcast answers its lobby stream id). */
  appendDetailed(writes: readonly AppendWrite[], opts?: WriteOptions): Promise<DetailedAppendAnswer>;
}

/**
 * Seed 000's journaling API (`JournalPlayerAction`, `JournalPurchase`,
 * `JournalTelemetry`) over the journal port, for in-process use by a game
 * server that embeds gamejournal, and behind the tRPC and REST edges.
 *
 * Guarantees:
 * 1. Every call enforces the size limits, so each edge answers 413 alike.
 * 2. Every write goes out with the writes `derive` adds for it, in the same
 *    call to the journal port (one transaction in SQLite, one script on
 *    Redis, one per slot on a Redis Cluster), so whichever edge a write comes in through, it reaches the same
 *    streams.
 */
export class EventJournal implements JournalingApi {
  readonly maxEventBytes: number;
  readonly maxBatch: number;

  constructor(
    readonly journal: Journal,
    private readonly opts: EventJournalOptions,
  ) {
    if (!journal) throw new Error("new event journal: no journal");
    this.maxEventBytes = opts.maxEventBytes ?? 64 * 1024;
    this.maxBatch = opts.maxBatch ?? 1_000;
  }

  /** Appends to `events:player_actions` an event of type `action`. */
  journalPlayerAction(userId: string, sessionId: string, matchId: string, action: string, data: unknown, opts: AppendOptions = {}) {
    return this.one(PLAYER_ACTIONS_STREAM, { type: action, user_id: userId, session_id: sessionId, match_id: matchId, data }, opts);
  }

  /** Appends to `events:purchases` an event of type `purchase`. */
  journalPurchase(userId: string, sessionId: string, purchase: unknown, opts: AppendOptions = {}) {
    return this.one(PURCHASES_STREAM, { type: "purchase", user_id: userId, session_id: sessionId, data: purchase }, opts);
  }

  /** Appends to `events:rtapi` an event of type `telemetry`, in stream mode 0x16. */
  journalTelemetry(userId: string, sessionId: string, lobbyId: string, data: unknown, opts: AppendOptions = {}) {
    return this.one(
      RTAPI_STREAM,
      { type: "telemetry", user_id: userId, session_id: sessionId, lobby_id: lobbyId, data, mode: StreamModeLobbySessionTelemetry },
      opts,
    );
  }

  /** Appends up to `maxBatch` events to the journal streams in one round trip. */
  async appendBatch(events: readonly BatchEvent[], opts: CallerOptions = {}): Promise<AppendAnswer> {
    const now = this.opts.clock.now();
    return this.append(
      events.map(({ stream, ts, key, ...rest }) => ({
        stream,
        event: { ...rest, data: rest.data ?? null, ts: ts ?? now, ...(key ? { key } : {}), ...(stream === RTAPI_STREAM ? { mode: StreamModeLobbySessionTelemetry } : {}) },
      })),
      opts,
    );
  }

  /** Appends prepared writes after checking the limits; the answer lists ids in input order. */
  async append(writes: readonly AppendWrite[], opts: WriteOptions = {}): Promise<AppendAnswer> {
    return (await this.appendDetailed(writes, opts)).answer;
  }

  async appendDetailed(writes: readonly AppendWrite[], { maxEventBytes = this.maxEventBytes, principal }: WriteOptions = {}): Promise<DetailedAppendAnswer> {
    if (writes.length > this.maxBatch) {
      throw new TooLargeError(`a batch holds at most ${this.maxBatch} events, got ${writes.length}`);
    }
    // Each event's data is serialised once: to measure it here, and as the text the adapter stores.
    const measured = writes.map((write, i) => {
      const dataJson = write.dataJson ?? dataText(write.event);
      const event = principal !== undefined && write.event.key !== undefined ? { ...write.event, key: scopedKey(principal, write.event.key) } : write.event;
      this.checkSize(event, dataJson, maxEventBytes, writes.length > 1 ? i : undefined);
      return { ...write, event, dataJson };
    });
    // Each given write, then the writes derived from it: results come back in this order.
    const groups = measured.map((write) => [write, ...(this.opts.derive?.(write) ?? [])]);
    const started = performance.now();
    const results = await this.journal.append(groups.flat());
    this.opts.metrics?.observeAppend(results, (performance.now() - started) / 1000);
    const own: AppendResult[] = [];
    const derived: AppendResult[][] = [];
    let at = 0;
    for (const group of groups) {
      own.push(results[at]!);
      derived.push(results.slice(at + 1, at + group.length));
      at += group.length;
    }
    return { answer: answerOf(own), derived };
  }

  private async one(stream: string, event: Omit<JournalEvent, "ts">, { key, ts, principal }: AppendOptions) {
    return this.append([{ stream, event: { ...event, data: event.data ?? null, ts: ts ?? this.opts.clock.now(), ...(key ? { key } : {}) } }], { principal });
  }

  /** The event's size: its data's JSON and its other attributes, about what the journal stores. */
  private checkSize(event: JournalEvent, dataJson: string, limit: number, index?: number): void {
    let bytes = Buffer.byteLength(dataJson) + Buffer.byteLength(event.type) + 16;
    for (const name of ["user_id", "session_id", "match_id", "lobby_id", "key"] as const) {
      const value = event[name];
      if (value !== undefined) bytes += Buffer.byteLength(value);
    }
    if (bytes > limit) {
      const which = index === undefined ? "the event" : `event [${index}]`;
      throw new TooLargeError(`${which} is ${bytes} bytes, over the limit of ${limit}`);
    }
  }
}

export function answerOf(results: readonly AppendResult[]): AppendAnswer {
  const answer: AppendAnswer = { ids: results.map((r) => r.id) };
  if (results.some((r) => r.spooled)) answer.spooled = true;
  const duplicates = results.filter((r) => r.duplicate).length;
  if (duplicates > 0) answer.duplicates = duplicates;
  return answer;
}
