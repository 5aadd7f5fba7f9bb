/**
 * A sender of telemetry messages to a gamejournal server over WebSocket
 * `/v3/stream` (the contract nevr-agent v4 speaks): each message is one text
 * JSON Envelope, `{"frame": {...}}` or `{"header": {...}}`, and the server
 * answers every message, in order, with `{"success": true, "ids": [...]}`
 * once it is durable or `{"success": false, "error": "..."}`.
 *
 * What `createFrameStream` guarantees:
 *
 * 1. Every message given to `send` is kept in memory until the server
 *    answers it; nothing is dropped because the connection is down.
 * 2. Messages go on the wire in the order `send` was called, with at most
 *    `maxInFlight` of them unanswered at a time; the rest wait their turn.
 * 3. When the connection drops (or cannot be opened) the stream reconnects
 *    after `retryDelayMs(attempt)` (capped exponential backoff by default)
 *    and resends, in the original order, every message not yet answered.
 *    A resend may deliver a message twice; the server deduplicates frames by
 *    session id, frame index and timestamp, so duplicates are harmless and
 *    losses cannot happen.
 * 4. A `{"success": false}` answer is a permanent rejection of that one
 *    message: it is reported (`onRejected`, and `send` resolves
 *    `{ status: "rejected" }`) and never sent again. The connection stays up.
 * 5. Answers are paired with messages by position. An answer that is not
 *    `{"success": boolean}`, an answer with nothing in flight, or no answer
 *    for `ackTimeoutMs` while messages are in flight breaks that pairing, so
 *    the connection is closed and the unanswered messages are resent.
 * 6. `close()` waits (up to its timeout) for the answers still due, closes
 *    the connection, and returns the texts of the messages left unanswered,
 *    oldest first, so the caller can keep them elsewhere.
 *
 * `send` never rejects; transient trouble (cannot connect, 401 on the
 * upgrade, connection lost, bad answer, answer timeout) goes to `onError`
 * and is retried.
 */

import type { FrameStream, FrameStreamErrorKind, FrameStreamOptions, SendResult, StreamSocket } from "./frame-stream-types.ts";
import { FrameStreamError } from "./frame-stream-types.ts";
import { resolveStreamUrl } from "./stream-url.ts";

export * from "./frame-stream-types.ts";
export { resolveStreamUrl } from "./stream-url.ts";

/** 250 ms doubling up to 10 s, each delay jittered by ±20% so many agents do not reconnect in step. */
export function defaultRetryDelayMs(attempt: number): number {
  return Math.min(250 * 2 ** Math.min(attempt, 16), 10_000) * (0.8 + Math.random() * 0.4);
}

function defaultCreateWebSocket(url: string, headers: Record<string, string>): StreamSocket {
  // Bun and Node (undici) take `{ headers }` as the second argument. Browsers cannot send headers:
  // there, use `tokenIn: "query"` without nodeId/userId, so no headers are asked for.
  const Ctor = globalThis.WebSocket as unknown as new (url: string, init?: { headers: Record<string, string> }) => StreamSocket;
  return Object.keys(headers).length > 0 ? new Ctor(url, { headers }) : new Ctor(url);
}

interface Entry {
  seq: number;
  text: string;
  resolve(result: SendResult): void;
}

/** Opens the connection at once and returns the stream; see the guarantees at the top of this file. */
export function createFrameStream(options: FrameStreamOptions): FrameStream {
  const maxInFlight = options.maxInFlight ?? 32;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    throw new TypeError(`frame stream: maxInFlight: expected a positive integer, got ${maxInFlight}`);
  }
  const ackTimeoutMs = options.ackTimeoutMs ?? 30_000;
  if (!(ackTimeoutMs > 0)) throw new TypeError(`frame stream: ackTimeoutMs: expected a positive number, got ${ackTimeoutMs}`);
  const url = resolveStreamUrl(options.url);
  const tokenIn = options.tokenIn ?? "header";
  const connectUrl = new URL(url);
  const headers: Record<string, string> = {};
  if (options.token && tokenIn !== "query") headers.authorization = `Bearer ${options.token}`;
  if (options.token && tokenIn !== "header") connectUrl.searchParams.set("token", options.token);
  if (options.nodeId) headers["x-node-id"] = options.nodeId;
  if (options.userId) headers["x-user-id"] = options.userId;
  const retryDelayMs = options.retryDelayMs ?? defaultRetryDelayMs;
  const createWebSocket = options.createWebSocket ?? defaultCreateWebSocket;

  /** Unanswered messages, oldest first; the first `sent` of them are on the current connection. */
  const queue: Entry[] = [];
  let sent = 0;
  let nextSeq = 0;
  let socket: StreamSocket | undefined;
  let open = false;
  let attempt = 0;
  let closing = false;
  let closed = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let ackTimer: ReturnType<typeof setTimeout> | undefined;
  const flushWaiters = new Set<{ upTo: number; done(ok: boolean): void }>();

  const report = (kind: FrameStreamErrorKind, message: string) => options.onError?.(new FrameStreamError(kind, message));
  const firstUnanswered = () => queue[0]?.seq ?? nextSeq;

  function connect(): void {
    retryTimer = undefined;
    if (closed) return;
    let ws: StreamSocket;
    try {
      ws = createWebSocket(connectUrl.toString(), headers);
    } catch (error) {
      report("connect", `cannot open ${url}: ${error instanceof Error ? error.message : String(error)}`);
      return scheduleReconnect();
    }
    socket = ws;
    let lastError = "";
    ws.onopen = () => {
      if (socket !== ws) return;
      open = true;
      attempt = 0;
      options.onOpen?.();
      pump();
    };
    ws.onmessage = (event) => {
      if (socket === ws) onAnswer(event.data);
    };
    ws.onerror = (event) => {
      if (socket === ws) lastError = (event as ErrorEvent).message ?? "";
    };
    ws.onclose = (event) => {
      if (socket !== ws) return;
      const wasOpen = open;
      forgetConnection();
      if (closed) return;
      if (!wasOpen) {
        const unauthorized = /\b401\b/.test(lastError);
        report(unauthorized ? "unauthorized" : "connect", lastError || `cannot connect to ${url} (code ${event.code})`);
      } else {
        report("disconnected", `connection to ${url} closed (code ${event.code}${event.reason ? `: ${event.reason}` : ""})`);
      }
      scheduleReconnect();
    };
  }

  function forgetConnection(): void {
    socket = undefined;
    open = false;
    sent = 0; // everything that was on the wire is unanswered again and goes first on the next connection
    clearTimeout(ackTimer);
    ackTimer = undefined;
  }

  function scheduleReconnect(): void {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(connect, Math.max(0, retryDelayMs(attempt++)));
  }

  /** Drops the current connection because its answers can no longer be paired with messages. */
  function resetConnection(kind: FrameStreamErrorKind, message: string): void {
    const ws = socket;
    forgetConnection();
    report(kind, message);
    try {
      ws?.close(4000, kind);
    } catch {
      // already closing
    }
    scheduleReconnect();
  }

  function pump(): void {
    while (open && socket && sent < queue.length && sent < maxInFlight) {
      const entry = queue[sent]!;
      try {
        socket.send(entry.text);
      } catch (error) {
        return resetConnection("disconnected", `send failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      sent++;
    }
    if (sent > 0 && !ackTimer) {
      ackTimer = setTimeout(() => resetConnection("timeout", `no answer from ${url} for ${ackTimeoutMs} ms`), ackTimeoutMs);
    }
  }

  function onAnswer(data: unknown): void {
    let answer: { success?: unknown; ids?: unknown; error?: unknown } | undefined;
    try {
      const parsed: unknown = typeof data === "string" ? JSON.parse(data) : undefined;
      if (parsed && typeof parsed === "object" && typeof (parsed as { success?: unknown }).success === "boolean") answer = parsed;
    } catch {
      // not JSON: handled below
    }
    if (!answer) return resetConnection("protocol", `unexpected answer from ${url}: ${String(data).slice(0, 200)}`);
    if (sent === 0) return resetConnection("protocol", `answer with no message in flight: ${String(data).slice(0, 200)}`);
    const entry = queue.shift()!;
    sent--;
    clearTimeout(ackTimer);
    ackTimer = undefined;
    if (answer.success === true) {
      const ids = Array.isArray(answer.ids) ? answer.ids.map((id: unknown) => (id === null ? null : String(id))) : [];
      entry.resolve({ status: "acknowledged", ids, ...((answer as { spooled?: unknown }).spooled === true ? { spooled: true as const } : {}) });
    } else {
      const error = typeof answer.error === "string" && answer.error ? answer.error : "rejected by the server";
      options.onRejected?.(error, entry.text);
      entry.resolve({ status: "rejected", error });
    }
    settleFlushWaiters();
    pump();
  }

  function settleFlushWaiters(): void {
    const done = firstUnanswered();
    for (const waiter of flushWaiters) if (waiter.upTo <= done) waiter.done(true);
  }

  function flush(timeoutMs?: number): Promise<boolean> {
    const upTo = nextSeq;
    if (firstUnanswered() >= upTo) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        upTo,
        done(ok: boolean) {
          clearTimeout(timer);
          flushWaiters.delete(waiter);
          resolve(ok);
        },
      };
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => waiter.done(false), timeoutMs);
      flushWaiters.add(waiter);
    });
  }

  let closeResult: Promise<string[]> | undefined;
  async function closeStream(timeoutMs: number): Promise<string[]> {
    closing = true;
    if (queue.length > 0 && timeoutMs > 0) await flush(timeoutMs);
    closed = true;
    clearTimeout(retryTimer);
    const ws = socket;
    forgetConnection();
    try {
      ws?.close(1000, "client closing");
    } catch {
      // already closing
    }
    const left = queue.splice(0);
    for (const entry of left) entry.resolve({ status: "abandoned" });
    for (const waiter of flushWaiters) waiter.done(false);
    return left.map((entry) => entry.text);
  }

  connect();

  return {
    send(message) {
      if (closing) throw new Error("frame stream: send after close");
      const text = typeof message === "string" ? message : JSON.stringify(message);
      return new Promise<SendResult>((resolve) => {
        queue.push({ seq: nextSeq++, text, resolve });
        pump();
      });
    },
    flush,
    close({ timeoutMs = 5_000 } = {}) {
      closeResult ??= closeStream(timeoutMs);
      return closeResult;
    },
    get buffered() {
      return queue.length;
    },
    get inFlight() {
      return sent;
    },
    get connected() {
      return open;
    },
    url,
  };
}
