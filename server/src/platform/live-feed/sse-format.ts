import { SerializedJson } from "../serialized-json.ts";
import type { FeedItem } from "./live-feed.ts";

/**
 * How a feed's items are written as Server-Sent Events: the plain route's
 * format (for EventSource and any HTTP client) or tRPC's (what
 * `httpSubscriptionLink` reads). Items are written as text built once per
 * batch, whatever the number of streams it goes to.
 */
export interface SseFormat {
  readonly name: string;
  /** Written first, as soon as the response starts. */
  readonly opening: string;
  /** Written while idle, to keep the connection open. */
  readonly ping: string;
  /** Written when the feed ends by itself (not when the client leaves or is cut). */
  readonly closing: string;
  /** The items as events, in order, each with its id. */
  items(items: readonly FeedItem[]): string;
  /** The last event when the feed fails: `data` is what the format's clients expect (tRPC's error shape, or `{error, code}`). */
  error(data: unknown): string;
}

/** The JSON of an item's data: pre-serialised entries as they are. */
function dataJson(data: unknown): string {
  return data instanceof SerializedJson ? data.json : JSON.stringify(data);
}

/**
 * The plain route's events: `id` and the JSON on one `data` line; an
 * `events_lost` notice as an event of that name; failures as `event: error`
 * with `{"error", "code"}`.
 */
export const PLAIN_SSE: SseFormat = {
  name: "plain",
  opening: ": live\n\n",
  ping: ": ping\n\n",
  closing: "",
  items(items) {
    let text = "";
    for (const [id, data] of items) {
      text += data instanceof SerializedJson ? `id: ${id}\ndata: ${data.json}\n\n` : `event: ${data.type}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`;
    }
    return text;
  },
  error(data) {
    return `event: error\ndata: ${JSON.stringify(data)}\n\n`;
  },
};

/**
 * tRPC's SSE events, byte for byte what its `sseStreamProducer` writes: a
 * `connected` event with the client options, each tracked item as `data`
 * then `id`, `ping` events, `return` when the subscription ends, and
 * `serialized-error` with the error's shape.
 */
export function trpcSseFormat(client: object = {}): SseFormat {
  return {
    name: "trpc",
    opening: `event: connected\ndata: ${JSON.stringify(client)}\n\n\n`,
    ping: "event: ping\ndata: \n\n\n",
    closing: "event: return\ndata: \n\n\n",
    items(items) {
      let text = "";
      for (const [id, data] of items) text += `data: ${dataJson(data)}\nid: ${id}\n\n\n`;
      return text;
    },
    error(data) {
      return `event: serialized-error\ndata: ${JSON.stringify(data)}\n\n\n`;
    },
  };
}
