import type { FeedItem } from "./live-feed.ts";
import type { SseFormat } from "./sse-format.ts";
import type { TopicMember, TopicPublisher } from "./socket-delivery.ts";

const encoder = new TextEncoder();

/** One SSE response's side of a topic. */
export interface SseStream {
  readonly format: SseFormat;
  /** Queues bytes on the response (nothing once it is closed). */
  write(bytes: Uint8Array): void;
  /** Bytes queued on the response that the client has not taken yet. */
  buffered(): number;
  /** Ends the response with a final error event (a subscriber too far behind). */
  cut(reason: string): void;
}

/**
 * The SSE side of live topics (see feed-topics.ts): per process, each
 * published batch is encoded once per format (UTF-8 bytes of its events)
 * and the same bytes are queued on every SSE response joined to the topic.
 */
export class SseTopics implements TopicPublisher<FeedItem> {
  private readonly joined = new Map<string, Set<SseStream>>();

  publish(topic: string, items: readonly FeedItem[]): void {
    const streams = this.joined.get(topic);
    if (!streams) return;
    let format: SseFormat | undefined;
    let bytes: Uint8Array | undefined;
    let others: Map<SseFormat, Uint8Array> | undefined;
    for (const stream of streams) {
      if (format === undefined) {
        format = stream.format;
        bytes = encoder.encode(format.items(items));
      }
      if (stream.format === format) {
        stream.write(bytes!);
        continue;
      }
      others ??= new Map();
      let encoded = others.get(stream.format);
      if (!encoded) others.set(stream.format, (encoded = encoder.encode(stream.format.items(items))));
      stream.write(encoded);
    }
  }

  /** The topic member for an SSE response. */
  member(stream: SseStream): TopicMember<FeedItem> {
    const topics = this;
    return {
      send(items) {
        stream.write(encoder.encode(stream.format.items(items)));
      },
      join(topic) {
        let streams = topics.joined.get(topic);
        if (!streams) topics.joined.set(topic, (streams = new Set()));
        streams.add(stream);
      },
      leave(topic) {
        const streams = topics.joined.get(topic);
        streams?.delete(stream);
        if (streams?.size === 0) topics.joined.delete(topic);
      },
      buffered: () => stream.buffered(),
      disconnect: (reason) => stream.cut(reason),
    };
  }
}

let shared: SseTopics | undefined;

/** The process's SSE topics (created on first use). */
export function sseTopics(): SseTopics {
  return (shared ??= new SseTopics());
}
