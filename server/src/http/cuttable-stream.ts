/**
 * Wraps a response body so the server can cut it: `cut(last)` cancels the
 * source, sends `last` (e.g. a final error event) and ends the response.
 * Used for SSE, whose producer may sit blocked on a client that stopped
 * reading. Pull-based with no buffering of its own.
 */
export function cuttableStream(body: ReadableStream<Uint8Array>): { stream: ReadableStream<Uint8Array>; cut(last?: string): void } {
  const reader = body.getReader();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let done = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      async pull(c) {
        const next = await reader.read();
        if (done) return;
        if (next.done) {
          done = true;
          c.close();
        } else {
          c.enqueue(next.value);
        }
      },
      cancel(reason) {
        done = true;
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return {
    stream,
    cut(last) {
      if (done) return;
      done = true;
      void reader.cancel("cut by the server").catch(() => {});
      if (last) controller?.enqueue(new TextEncoder().encode(last));
      controller?.close();
    },
  };
}
