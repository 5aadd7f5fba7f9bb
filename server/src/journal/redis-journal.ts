import { ErrorReply } from "redis";
import type { RedisClient } from "../backends/index.ts";
import type { Logger } from "../log.ts";
import { systemClock, type Clock } from "../platform/clock.ts";
import { fieldsToJson, fromFields, pushFields } from "./codec.ts";
import { GroupCommit } from "./group-commit.ts";
import { compareIds } from "./ids.ts";
import type {
  AppendResult,
  AppendWrite,
  ClaimOptions,
  ConsumerInfo,
  DeliveredEntry,
  Journal,
  JournalEntry,
  LiveWatch,
  PendingSummary,
  RawEntry,
  ReadGroupOptions,
  ReadOptions,
  StreamInfo,
  TrimOptions,
} from "./journal.ts";
import { APPEND_GROUP_SCRIPT, CREATE_GROUP_AT_END_SCRIPT, READ_ROWS_SCRIPT, Script, sidecarKey, TRIM_SCRIPT } from "./redis-scripts.ts";
import { RedisTailer } from "./redis-tailer.ts";
import { trimBound } from "./journal.ts";
import { tailWithHub, type TailOptions } from "./tail.ts";

export interface RedisJournalOptions {
  /** How long an idempotency key is remembered, in ms (default 24 h). */
  idempotencyWindowMs?: number;
  /** Trims by age count back from its time (ids are Redis's own). */
  clock?: Clock;
}

type RawMessage = { id: string; message: Record<string, string> | null };

const appendGroup = new Script(APPEND_GROUP_SCRIPT);
const trim = new Script(TRIM_SCRIPT);
const createGroupAtEnd = new Script(CREATE_GROUP_AT_END_SCRIPT);
/** XGROUP DELCONSUMER unless the consumer has a pending entry (1: gone, 0: kept), in one step. */
const DELETE_CONSUMER_UNLESS_PENDING = `if #redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2]) > 0 then return 0 end
redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
return 1`;
const readRows = new Script(READ_ROWS_SCRIPT);

/**
 * The journal on Redis Streams. Appends are group-committed (see
 * group-commit.ts): the appends of one event-loop turn run as one Lua
 * script call (idempotency checks, XADDs, exact trims), whatever the number
 * of callers and streams, in one round trip, and no other command runs
 * between their writes. Consumer groups are Redis's own (XREADGROUP, XACK,
 * XAUTOCLAIM); blocking reads use connections of their own.
 */
export class RedisJournal implements Journal {
  readonly backend = "redis";
  private readonly window: string;
  private readonly clock: Clock;
  private readonly tailer: RedisTailer;
  private readonly idleBlockers: RedisClient[] = [];
  private readonly allBlockers = new Set<RedisClient>();
  /** Redis CLIENT ID of each blocking connection, to interrupt it with CLIENT UNBLOCK. */
  private readonly blockerIds = new WeakMap<RedisClient, number>();
  private readonly group = new GroupCommit((calls) => this.commit(calls));

  constructor(
    private readonly client: RedisClient,
    private readonly logger: Logger,
    { idempotencyWindowMs = 24 * 3600_000, clock = systemClock }: RedisJournalOptions = {},
  ) {
    if (!client) throw new Error("new redis journal: no redis client");
    this.window = String(idempotencyWindowMs);
    this.clock = clock;
    this.tailer = new RedisTailer(client, logger);
  }

  append(writes: readonly AppendWrite[]): Promise<AppendResult[]> {
    return this.group.submit(writes);
  }

  /**
   * One script call for the group. A call that cannot be sent (its data does
   * not serialise) or that Redis refused alone (`!<error>`, an ErrorReply)
   * fails only its caller.
   */
  private async commit(calls: ReadonlyArray<readonly AppendWrite[]>): Promise<Array<AppendResult[] | Error>> {
    const streams = new Map<string, number>();
    const keys: string[] = [];
    const idemKeys: string[] = [];
    const caps: number[] = [];
    const packed: Array<Array<Array<string | number>>> = [];
    const outcomes = calls.map((writes): AppendResult[] | Error | number => {
      try {
        packed.push(writes.map((write) => this.pack(write, streams, keys, idemKeys, caps)));
        return packed.length - 1;
      } catch (error) {
        return error instanceof Error ? error : new Error(String(error));
      }
    });
    if (packed.length === 0) return outcomes as Error[];
    for (const key of idemKeys) keys.push(key);
    const replies = (await appendGroup.run(this.client, keys, [this.window, JSON.stringify([caps, packed])])) as string[];
    return outcomes.map((outcome, c) => {
      if (typeof outcome !== "number") return outcome;
      const reply = replies[outcome] ?? "!no reply for this append";
      if (reply.startsWith("!")) return new ErrorReply(reply.slice(1));
      const ids = reply.split(" ");
      return calls[c]!.map(({ stream }, i) => {
        const raw = ids[i]!;
        const duplicate = raw.startsWith("=");
        return { stream, id: duplicate ? raw.slice(1) : raw, duplicate };
      });
    });
  }

  /**
   * A write as the script takes it, `[stream number, idempotency key number, fields...]`,
   * numbering its stream and key among the group's (a call that cannot be
   * packed may leave keys numbered that no event uses: the script ignores them).
   */
  private pack(
    { stream, event, dataJson, maxLen }: AppendWrite,
    streams: Map<string, number>,
    keys: string[],
    idemKeys: string[],
    caps: number[],
  ): Array<string | number> {
    const fields = pushFields<Array<string | number>>([0, 0], event, dataJson);
    let s = streams.get(stream);
    if (s === undefined) {
      s = caps.push(0);
      streams.set(stream, s);
      keys.push(stream, sidecarKey(stream, "meta"));
    }
    if (maxLen !== undefined) caps[s - 1] = maxLen;
    fields[0] = s;
    if (event.key !== undefined) fields[1] = idemKeys.push(sidecarKey(stream, `idem:${event.key}`));
    return fields;
  }

  async read(stream: string, { from, after, to, count }: ReadOptions): Promise<JournalEntry[]> {
    const start = after !== undefined ? `(${after}` : (from ?? "-");
    const messages = (await this.client.xRange(stream, start, to ?? "+", { COUNT: count })) as RawMessage[];
    return messages.filter((m) => m.message).map((m) => fromFields(m.id, m.message!));
  }

  /** One XRANGE encoded by Redis as one JSON text (see READ_ROWS_SCRIPT); each entry's JSON is built from its fields. */
  async readRaw(stream: string, { from, after, to, count }: ReadOptions): Promise<RawEntry[]> {
    const start = after !== undefined ? `(${after}` : (from ?? "-");
    const reply = (await readRows.run(this.client, [stream], [start, to ?? "+", String(count)])) as string;
    // cjson encodes an empty table as an object.
    if (reply === "{}" || reply === "[]") return [];
    return (JSON.parse(reply) as Array<[string, string[]]>).map(([id, fields]) => ({ id, json: fieldsToJson(id, fields) }));
  }

  tail(stream: string, after: string, opts: TailOptions): AsyncIterable<JournalEntry[]> {
    return tailWithHub((s, o) => this.read(s, o), this.tailer.hub, stream, after, opts);
  }

  watch(stream: string, after: string, sink: (entries: readonly JournalEntry[]) => void, onFail: (error: Error) => void): LiveWatch {
    return this.tailer.hub.watch(stream, after, sink, onFail);
  }

  async trim(stream: string, opts: TrimOptions): Promise<number> {
    const bound = trimBound(opts, this.clock.now());
    const args = "maxLen" in bound ? ["maxlen", String(bound.maxLen)] : ["minid", bound.minId];
    return Number(await trim.run(this.client, [stream, sidecarKey(stream, "meta")], args));
  }

  async remove(stream: string, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return Number(await this.client.xDel(stream, [...ids]));
  }

  async consumers(stream: string, group: string): Promise<ConsumerInfo[]> {
    try {
      const rows = (await this.client.xInfoConsumers(stream, group)) as unknown as Array<{ name: string; pending: number; idle: number }>;
      return rows.map((c) => ({ name: String(c.name), pending: Number(c.pending), idle_ms: Number(c.idle) })).sort((a, b) => a.name.localeCompare(b.name));
    } catch (error) {
      // No such stream or group: nobody consumes it.
      if (/NOGROUP|no such key/i.test((error as Error).message)) return [];
      throw error;
    }
  }

  async info(stream: string): Promise<StreamInfo | null> {
    const [exists, meta] = await Promise.all([this.client.exists(stream), this.client.hGet(sidecarKey(stream, "meta"), "max_deleted")]);
    if (!exists) return null;
    const [info, groups] = await Promise.all([this.client.xInfoStream(stream), this.client.xInfoGroups(stream)]);
    const i = info as unknown as {
      length: number;
      "max-deleted-entry-id"?: string;
      "entries-added"?: number;
      "first-entry": { id: string } | null;
      "last-entry": { id: string } | null;
    };
    const redisDeleted = i["max-deleted-entry-id"] ?? "0-0";
    const maxDeleted = meta && compareIds(meta, redisDeleted) > 0 ? meta : redisDeleted;
    return {
      stream,
      length: Number(i.length),
      first_id: i["first-entry"]?.id ?? null,
      last_id: i["last-entry"]?.id ?? null,
      max_deleted_id: maxDeleted,
      entries_added: Number(i["entries-added"] ?? i.length),
      groups: (groups as unknown as Array<Record<string, unknown>>).map((g) => ({
        name: String(g.name),
        pending: Number(g.pending),
        lag: g.lag === null || g.lag === undefined ? null : Number(g.lag),
        consumers: Number(g.consumers),
        last_delivered_id: String(g["last-delivered-id"]),
      })),
    };
  }

  async streams(pattern = "*"): Promise<string[]> {
    const names = new Set<string>();
    for await (const batch of this.client.scanIterator({ MATCH: pattern, TYPE: "stream", COUNT: 500 })) {
      for (const name of batch as unknown as string[]) names.add(name);
    }
    return [...names].sort();
  }

  /** At `0` and `$` Redis reports the group's lag; at an arbitrary id it reports null. */
  async createGroup(stream: string, group: string, startId = "$"): Promise<boolean> {
    if (startId === "$") return Number(await createGroupAtEnd.run(this.client, [stream], [group])) === 1;
    try {
      await this.client.xGroupCreate(stream, group, startId, { MKSTREAM: true });
      return true;
    } catch (error) {
      if ((error as Error).message.startsWith("BUSYGROUP")) return false;
      throw error;
    }
  }

  async deleteConsumer(stream: string, group: string, consumer: string): Promise<boolean> {
    try {
      return Number(await this.client.eval(DELETE_CONSUMER_UNLESS_PENDING, { keys: [stream], arguments: [group, consumer] })) === 1;
    } catch (error) {
      if (/NOGROUP|no such key/i.test((error as Error).message)) return true;
      throw error;
    }
  }

  async deleteGroup(stream: string, group: string): Promise<boolean> {
    if (!(await this.client.exists(stream))) return false;
    return Number(await this.client.xGroupDestroy(stream, group)) === 1;
  }

  async readGroup(stream: string, group: string, consumer: string, opts: ReadGroupOptions): Promise<DeliveredEntry[]> {
    const id = opts.id ?? ">";
    const blocking = id === ">" && (opts.blockMs ?? 0) > 0;
    const conn = blocking ? await this.acquireBlocker() : this.client;
    let reply;
    const onAbort = () => void this.client.sendCommand(["CLIENT", "UNBLOCK", String(this.blockerIds.get(conn))]).catch(() => {});
    if (blocking) opts.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      reply = await conn.xReadGroup(group, consumer, [{ key: stream, id }], {
        COUNT: opts.count,
        ...(blocking ? { BLOCK: opts.blockMs } : {}),
      });
    } finally {
      if (blocking) {
        opts.signal?.removeEventListener("abort", onAbort);
        this.releaseBlocker(conn);
      }
    }
    const messages = ((reply as Array<{ messages: RawMessage[] }> | null)?.[0]?.messages ?? []).filter((m) => m.message);
    if (messages.length === 0) return [];
    if (id === ">") return messages.map((m) => ({ ...fromFields(m.id, m.message!), deliveries: 1 }));
    // History reads count a delivery in Redis; report the counts it keeps.
    const counts = await this.deliveryCounts(stream, group, messages[0]!.id, messages[messages.length - 1]!.id, messages.length, consumer);
    return messages.map((m) => ({ ...fromFields(m.id, m.message!), deliveries: counts.get(m.id) ?? 1 }));
  }

  private async deliveryCounts(stream: string, group: string, start: string, end: string, count: number, consumer?: string) {
    const rows = (await this.client.xPendingRange(stream, group, start, end, count, consumer ? { consumer } : undefined)) as Array<{
      id: string;
      deliveriesCounter: number;
    }>;
    return new Map(rows.map((r) => [r.id, Number(r.deliveriesCounter)]));
  }

  async ack(stream: string, group: string, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return Number(await this.client.xAck(stream, group, [...ids]));
  }

  async claimIdle(stream: string, group: string, consumer: string, { minIdleMs, count }: ClaimOptions): Promise<DeliveredEntry[]> {
    const reply = (await this.client.xAutoClaim(stream, group, consumer, minIdleMs, "0-0", { COUNT: count })) as {
      messages: Array<RawMessage | null>;
    };
    const messages = reply.messages.filter((m): m is RawMessage => m !== null && m.message !== null);
    if (messages.length === 0) return [];
    const counts = await this.deliveryCounts(stream, group, messages[0]!.id, messages[messages.length - 1]!.id, count, consumer);
    return messages.map((m) => ({ ...fromFields(m.id, m.message!), deliveries: counts.get(m.id) ?? 1 }));
  }

  async claim(stream: string, group: string, consumer: string, ids: readonly string[]): Promise<DeliveredEntry[]> {
    if (ids.length === 0) return [];
    const messages = ((await this.client.xClaim(stream, group, consumer, 0, [...ids])) as Array<RawMessage | null>).filter(
      (m): m is RawMessage => m !== null && m.message !== null,
    );
    if (messages.length === 0) return [];
    const counts = await this.deliveryCounts(stream, group, messages[0]!.id, messages[messages.length - 1]!.id, ids.length, consumer);
    return messages.map((m) => ({ ...fromFields(m.id, m.message!), deliveries: counts.get(m.id) ?? 1 }));
  }

  async pending(stream: string, group: string): Promise<PendingSummary> {
    const reply = (await this.client.xPending(stream, group)) as {
      pending: number;
      consumers: Array<{ name: string; deliveriesCounter: number }> | null;
    };
    return {
      count: Number(reply.pending),
      consumers: (reply.consumers ?? []).map((c) => ({ name: c.name, pending: Number(c.deliveriesCounter) })).sort((a, b) => a.name.localeCompare(b.name)),
    };
  }

  /** A connection of its own for a blocking read (blocking the shared client would stall every command). */
  private async acquireBlocker(): Promise<RedisClient> {
    const idle = this.idleBlockers.pop();
    if (idle?.isReady) return idle;
    if (idle) this.discardBlocker(idle);
    const conn = this.client.duplicate() as RedisClient;
    conn.on("error", () => {});
    await conn.connect();
    this.blockerIds.set(conn, await conn.clientId());
    this.allBlockers.add(conn);
    return conn;
  }

  private releaseBlocker(conn: RedisClient): void {
    if (conn.isReady && this.idleBlockers.length < 8) this.idleBlockers.push(conn);
    else this.discardBlocker(conn);
  }

  private discardBlocker(conn: RedisClient): void {
    this.allBlockers.delete(conn);
    try {
      conn.destroy();
    } catch {
      // already closed
    }
  }

  async close(): Promise<void> {
    await this.tailer.close();
    for (const conn of this.allBlockers) this.discardBlocker(conn);
    this.idleBlockers.length = 0;
  }
}
