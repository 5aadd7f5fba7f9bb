import { SerializedJson } from "../serialized-json.ts";
import type { FeedItem } from "./live-feed.ts";

export interface FeedControl {
  /** Aborts when the client goes away or the stream is cut. */
  signal: AbortSignal;
  /** Cuts the stream with a final `error` event (a subscriber that fell too far behind). */
  disconnect(reason: string): void;
}

export interface SseOptions {
  /** The request's own signal: aborts when the client disconnects. */
  signal: AbortSignal;
  /** A comment line this often keeps idle connections open (default 4 s; Bun drops them after its idle timeout). */
  pingMs?: number;
  /** Called after a cut, to drop the connection shortly if the peer is not reading (Bun's `server.timeout`). */
  onCut?: () => void;
}

const encoder = new TextEncoder();

/** One SSE event: `id`, `event` when not a plain message, and the JSON on one `data` line. */
function sseEvent(item: FeedItem): string {
  const [id, data] = item;
  if (data instanceof SerializedJson) return `id: ${id}\ndata: ${data.json}\n\n`;
  return `event: ${data.type}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * A live feed as a plain Server-Sent Events response, for EventSource and
 * any HTTP client: each entry as an event with its id (so a reconnecting
 * EventSource sends `Last-Event-ID` by itself), `events_lost` as an event
 * of that name, a comment every few seconds while idle. Pull-based: an entry
 * is read from the feed only when the client has taken the previous one, so
 * a client that stops reading makes its feed fall behind and be cut, with a
 * final `event: error` saying why.
 *
 * `open` receives the signal and disconnect hook the feed must use; an error
 * it throws (a bad stream name, the journal unavailable) propagates before
 * any byte is sent, so the edge answers it as JSON with its status.
 */
export async function feedSse(
  open: (control: FeedControl) => Promise<AsyncIterable<FeedItem>>,
  { signal, pingMs = 4_000, onCut }: SseOptions,
): Promise<Response> {
  const stop = new AbortController();
  const onClientGone = () => stop.abort();
  signal.addEventListener("abort", onClientGone, { once: true });
  let cut: (reason: string) => void = () => stop.abort();
  let feed: AsyncIterable<FeedItem>;
  try {
    feed = await open({ signal: stop.signal, disconnect: (reason) => cut(reason) });
  } catch (error) {
    signal.removeEventListener("abort", onClientGone);
    throw error;
  }
  const iterator = feed[Symbol.asyncIterator]();
  let ping: Timer | undefined;
  let closed = false;
  const finish = () => {
    if (closed) return false;
    closed = true;
    clearInterval(ping);
    signal.removeEventListener("abort", onClientGone);
    stop.abort();
    void Promise.resolve(iterator.return?.()).catch(() => {});
    return true;
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(": live\n\n"));
        ping = setInterval(() => {
          if (!closed) controller.enqueue(encoder.encode(": ping\n\n"));
        }, pingMs);
        cut = (reason) => {
          if (!finish()) return;
          controller.enqueue(encoder.encode(`event: error\ndata: ${JSON.stringify({ error: reason, code: "OVERLOADED" })}\n\n`));
          controller.close();
          onCut?.();
        };
      },
      async pull(controller) {
        try {
          const next = await iterator.next();
          if (closed) return;
          if (next.done) {
            finish();
            controller.close();
          } else {
            controller.enqueue(encoder.encode(sseEvent(next.value)));
          }
        } catch (error) {
          if (closed) return;
          const message = error instanceof Error ? error.message : String(error);
          const code = (error as { code?: string }).code ?? "INTERNAL";
          finish();
          controller.enqueue(encoder.encode(`event: error\ndata: ${JSON.stringify({ error: message, code })}\n\n`));
          controller.close();
        }
      },
      cancel() {
        finish();
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, {
    headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive", "X-Accel-Buffering": "no" },
  });
}
