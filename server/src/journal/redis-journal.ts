import { ErrorReply } from "redis";
import { isCluster, type RedisClient } from "../backends/redis.ts";
import { isRedirect, masterClients, refreshRoute, sendOnNodeOf, wakeOnAbort } from "../backends/redis-nodes.ts";
import { UnavailableError } from "../errors.ts";
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
import { APPEND_GROUP_SCRIPT, CREATE_GROUP_AT_END_SCRIPT, DELETE_CONSUMER_UNLESS_PENDING_SCRIPT, READ_ROWS_SCRIPT, Script, sidecarKey, TRIM_SCRIPT } from "./redis-scripts.ts";
import { RedisTailer } from "./redis-tailer.ts";
import { bySlot, mergeSlotOutcomes } from "./redis-slots.ts";
import { trimBound } from "./journal.ts";
import { BlockerPool } from "./redis-blockers.ts";
import { tailWithHub, type TailOptions } from "./tail.ts";

export interface RedisJournalOptions {
  /** How long an idempotency key is remembered, in ms (default 24 h). */
  idempotencyWindowMs?: number;
  /** Trims by age count back from its time (ids are Redis's own). */
  clock?: Clock;
  /**
   * Replicas that must have the appended entries before an append is
   * answered (Redis WAIT after each commit), and how long to wait for them.
   * 0 (default): answered once the master has them.
   */
  waitReplicas?: { replicas: number; timeoutMs: number };
}

/** An append was stored by the master but not acknowledged by enough replicas in time (503: retry with the same key). */
export class ReplicationTimeoutError extends UnavailableError {}

type RawMessage = { id: string; message: Record<string, string> | null };

const appendGroup = new Script(APPEND_GROUP_SCRIPT);
const trim = new Script(TRIM_SCRIPT);
const createGroupAtEnd = new Script(CREATE_GROUP_AT_END_SCRIPT);
const deleteConsumerUnlessPending = new Script(DELETE_CONSUMER_UNLESS_PENDING_SCRIPT);
const readRows = new Script(READ_ROWS_SCRIPT);

/**
 * The journal on Redis Streams. Appends are group-committed (see
 * group-commit.ts): the appends of one event-loop turn run as one Lua
 * script call (idempotency checks, XADDs, exact trims), whatever the number
 * of callers and streams, in one round trip, and no other command runs
 * between their writes. Consumer groups are Redis's own (XREADGROUP, XACK,
 * XAUTOCLAIM); blocking reads use connections of their own.
 *
 * On a Redis Cluster (see backends/redis-nodes.ts) a group is committed as
 * one script call per hash slot, the calls in parallel: a stream and its
 * sidecar keys share a slot, so each stream's writes stay in order and
 * atomic, but a call that writes streams in different slots (a broadcast:
 * `events:rtapi` and its lobby's stream) is atomic per slot only. If one
 * slot's part fails, the call fails and the other parts stay written;
 * retrying it with the same idempotency keys writes what is missing.
 * Blocking reads run on a connection to the master of their stream, and
 * `streams` scans every master.
 */
export class RedisJournal implements Journal {
  readonly backend = "redis";
  private readonly window: string;
  private readonly clock: Clock;
  private readonly tailer: RedisTailer;
  private readonly blockers: BlockerPool;
  private readonly waitReplicas: { replicas: number; timeoutMs: number };
  private readonly group = new GroupCommit((calls) => (isCluster(this.client) ? this.commitBySlot(calls) : this.commit(calls)));

  constructor(
    private readonly client: RedisClient,
    private readonly logger: Logger,
    { idempotencyWindowMs = 24 * 3600_000, clock = systemClock, waitReplicas = { replicas: 0, timeoutMs: 1_000 } }: RedisJournalOptions = {},
  ) {
    if (!client) throw new Error("new redis journal: no redis client");
    this.waitReplicas = waitReplicas;
    this.window = String(idempotencyWindowMs);
    this.clock = clock;
    this.tailer = new RedisTailer(client, logger);
    this.blockers = new BlockerPool(client);
  }

  append(writes: readonly AppendWrite[]): Promise<AppendResult[]> {
    return this.group.submit(writes);
  }

  /** A cluster's commit: one `commit` per hash slot of the group's streams, in parallel (see the class comment). */
  private async commitBySlot(calls: ReadonlyArray<readonly AppendWrite[]>): Promise<Array<AppendResult[] | Error>> {
    const parts = bySlot(calls);
    if (parts.length === 1) return this.commit(calls);
    const outcomes = await Promise.all(parts.map((part) => this.commit(part.calls).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))));
    return mergeSlotOutcomes(calls, parts, outcomes);
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
    if (this.waitReplicas.replicas > 0) await this.awaitReplicas(keys[0]!);
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
   * Redis WAIT on the node the group was written to: resolves once
   * `replicas` replicas have every write this connection made, else rejects
   * with ReplicationTimeoutError (the entries are stored on the master; a
   * failover before they replicate may lose them).
   */
  private async awaitReplicas(key: string): Promise<void> {
    const { replicas, timeoutMs } = this.waitReplicas;
    // On the connection that carried the writes to that node: WAIT covers what it wrote.
    const acked = Number(await sendOnNodeOf(this.client, key, ["WAIT", String(replicas), String(timeoutMs)]));
    if (acked < replicas) {
      throw new ReplicationTimeoutError(`append stored but acknowledged by ${acked} of ${replicas} replicas within ${timeoutMs} ms; retry it with the same idempotency key`);
    }
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

  /** SCAN on every master (a cluster's keys are spread over them). */
  async streams(pattern = "*"): Promise<string[]> {
    const names = new Set<string>();
    for (const node of await masterClients(this.client)) {
      for await (const batch of node.scanIterator({ MATCH: pattern, TYPE: "stream", COUNT: 500 })) {
        for (const name of batch as unknown as string[]) names.add(name);
      }
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
      return Number(await deleteConsumerUnlessPending.run(this.client, [stream], [group, consumer])) === 1;
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
    const blocker = blocking ? await this.blockers.acquire(stream) : undefined;
    // Aborted while a blocking connection was found: no listener would have heard it.
    if (blocker && opts.signal?.aborted) {
      this.blockers.release(blocker);
      return [];
    }
    const conn = blocker?.client ?? this.client;
    let reply;
    let redirected = false;
    const stopWaking = blocker ? wakeOnAbort(opts.signal, blocker) : () => {};
    try {
      reply = await conn.xReadGroup(group, consumer, [{ key: stream, id }], {
        COUNT: opts.count,
        ...(blocking ? { BLOCK: opts.blockMs } : {}),
      });
    } catch (error) {
      // A connection of ours to a node that no longer holds the stream: drop it, learn where it is now.
      if (blocker && isRedirect(error)) {
        redirected = true;
        await refreshRoute(this.client, stream);
        throw new UnavailableError(`read ${stream}: its slot moved to another node; retry`, { cause: error });
      }
      throw error;
    } finally {
      stopWaking();
      if (blocker) {
        if (redirected) this.blockers.discard(blocker);
        else this.blockers.release(blocker);
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

  async close(): Promise<void> {
    await this.tailer.close();
    this.blockers.close();
  }
}
