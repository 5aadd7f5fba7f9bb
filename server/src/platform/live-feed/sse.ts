import type { FeedItem } from "./live-feed.ts";
import { FeedPage, socketStepsOf, TopicOffer } from "./socket-delivery.ts";
import { PLAIN_SSE, type SseFormat } from "./sse-format.ts";
import { sseTopics, type SseStream } from "./sse-topics.ts";
import { messageOf } from "../../errors.ts";

export interface FeedControl {
  /** Aborts when the client goes away or the stream is cut. */
  signal: AbortSignal;
  /** Cuts the stream with a final error event (a subscriber that fell too far behind). */
  disconnect(reason: string): void;
}

export interface SseOptions {
  /** The request's own signal: aborts when the client disconnects. */
  signal: AbortSignal;
  /** A ping this often keeps idle connections open (default 4 s; Bun drops them after its idle timeout). */
  pingMs?: number;
  /** Called after a cut, to drop the connection shortly if the peer is not reading (Bun's `server.timeout`). */
  onCut?: (reason: string) => void;
  /** How events are written (default: the plain route's format). */
  format?: SseFormat;
  /** The data of the last event when the feed fails (default `{"error", "code"}`). */
  errorData?: (error: unknown) => unknown;
  /** The data of the last event when the stream is cut (default `{"error": reason, "code": "OVERLOADED"}`). */
  cutData?: (reason: string) => unknown;
  /** Response headers beside the SSE ones. */
  headers?: Record<string, string>;
}

const encoder = new TextEncoder();

const SSE_HEADERS = { "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive", "X-Accel-Buffering": "no" };

function plainErrorData(error: unknown): unknown {
  return { error: messageOf(error), code: (error as { code?: string }).code ?? "INTERNAL" };
}

/**
 * A live feed as a Server-Sent Events response: each entry as an event
 * with its id (so a reconnecting EventSource sends `Last-Event-ID` by
 * itself), a ping every few seconds while idle, and a final error event if
 * the feed fails or the subscriber is cut.
 *
 * A feed that offers socket steps (see socket-delivery.ts) is written the
 * way WebSockets get it: its backlog a page of events per chunk, pulled only
 * when the client has taken the previous page (so a client that stops
 * reading during replay stops the replay); once caught up, the response
 * joins the stream's SSE topic (sse-topics.ts), and each live batch, encoded
 * once per process, is queued on it with the same bytes as on every other
 * caught-up stream. A joined stream holding more than its buffer unsent is
 * cut (see feed-topics.ts), with a final error event. Any other feed is
 * iterated item by item.
 *
 * `open` receives the signal and disconnect hook the feed must use; an error
 * it throws (a bad stream name, the journal unavailable) propagates before
 * any byte is sent, so the edge answers it with its status.
 */
export async function feedSse(
  open: (control: FeedControl) => Promise<AsyncIterable<FeedItem>>,
  { signal, pingMs = 4_000, onCut, format = PLAIN_SSE, errorData = plainErrorData, cutData, headers = {} }: SseOptions,
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
  const steps = socketStepsOf(feed);
  const iterator: AsyncIterator<unknown> = steps ? steps() : feed[Symbol.asyncIterator]();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
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
  /** Ends the response with `last` (nothing when it has ended already). */
  const end = (last: string) => {
    if (!finish()) return;
    if (last) controller.enqueue(encoder.encode(last));
    controller.close();
  };
  const stream: SseStream = {
    format,
    write(bytes) {
      if (!closed) controller.enqueue(bytes);
    },
    buffered: () => (closed ? 0 : Math.max(0, -(controller.desiredSize ?? 0))),
    cut: (reason) => cut(reason),
  };
  const member = steps ? sseTopics().member(stream) : undefined;
  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        c.enqueue(encoder.encode(format.opening));
        ping = setInterval(() => stream.write(encoder.encode(format.ping)), pingMs);
        cut = (reason) => {
          if (closed) return;
          end(format.error(cutData ? cutData(reason) : { error: reason, code: "OVERLOADED" }));
          onCut?.(reason);
        };
      },
      async pull(c) {
        try {
          for (;;) {
            const next = await iterator.next();
            if (closed) return;
            if (next.done) return end(format.closing);
            const value = next.value;
            if (value instanceof TopicOffer) {
              // Joined or not, pull again: a joined feed then waits for its end, a refused one catches up.
              value.tryJoin(member!, sseTopics());
              continue;
            }
            c.enqueue(encoder.encode(format.items(value instanceof FeedPage ? (value.items as FeedItem[]) : [value as FeedItem])));
            return;
          }
        } catch (error) {
          if (!closed) end(format.error(errorData(error)));
        }
      },
      cancel() {
        finish();
      },
    },
    { highWaterMark: 0, size: (chunk) => chunk?.byteLength ?? 0 },
  );
  return new Response(body, { headers: { ...SSE_HEADERS, ...headers } });
}
