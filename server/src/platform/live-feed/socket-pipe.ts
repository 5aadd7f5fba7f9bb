import type { ServerWebSocket } from "bun";

/** What `pipeToSocket` needs of a socket: Bun's `send` result, and a way to wait for `drain`. */
export interface PipeSocket {
  /** Bun's `ServerWebSocket.send`: bytes sent, -1 when queued under backpressure, 0 when dropped (closed). */
  send(text: string): number;
  /** Resolves at the socket's next `drain` (or close). */
  drained(): Promise<void>;
  readonly closed: boolean;
}

/**
 * A raw WebSocket endpoint's view of one socket as a `PipeSocket`; the
 * endpoint calls `drain()` from its `drain` handler and `close()` from its
 * `close` handler.
 */
export class SocketPipe implements PipeSocket {
  private waiters: Array<() => void> = [];
  private isClosed = false;

  constructor(private readonly ws: ServerWebSocket<unknown>) {}

  get closed(): boolean {
    return this.isClosed;
  }

  send(text: string): number {
    return this.isClosed ? 0 : this.ws.send(text);
  }

  drained(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  drain(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  close(): void {
    this.isClosed = true;
    this.drain();
  }
}

/**
 * Sends every item of `items` to `socket` as `encode(item)`, pulling the next
 * item only while the socket takes them: under backpressure it waits for the
 * socket to drain first, so a client that stops reading stops the feed (whose
 * bounded buffer then ends it). Resolves when the items end, the socket
 * closes or `signal` aborts; rejects with the feed's error. Ends the
 * iteration (runs its `finally`) either way.
 */
export async function pipeToSocket<T>(items: AsyncIterable<T>, socket: PipeSocket, encode: (item: T) => string, signal: AbortSignal): Promise<void> {
  const iterator = items[Symbol.asyncIterator]();
  const aborted = new Promise<"abort">((resolve) => {
    if (signal.aborted) resolve("abort");
    else signal.addEventListener("abort", () => resolve("abort"), { once: true });
  });
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next === "abort" || next.done || socket.closed) return;
      const sent = socket.send(encode(next.value));
      if (sent === 0) return;
      if (sent === -1 && (await Promise.race([socket.drained(), aborted])) === "abort") return;
    }
  } finally {
    void Promise.resolve(iterator.return?.()).catch(() => {});
  }
}
