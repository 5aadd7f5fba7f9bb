import { isTrackedEnvelope } from "@trpc/server";
import { SerializedJson } from "./serialized-json.ts";

/**
 * What a subscription may yield to the WebSocket handler beyond single
 * items, so that a live feed can use what a WebSocket does well. Only a
 * feed that knows its transport is "ws" yields these; the handler unpacks
 * them and the client sees ordinary tRPC `data` messages, one per item.
 *
 * - `WsBatch`: several items sent in one corked write (a backlog page).
 * - `TopicOffer`: the feed is caught up and offers to hand its subscriber
 *   to a shared topic, where one native `server.publish` per item reaches
 *   every subscriber (serialised once, written by Bun without per-socket
 *   JavaScript). See telemetry/lobby-topics.ts for the hand-over rules.
 */
export class WsBatch {
  constructor(readonly items: readonly unknown[]) {}
}

/** The socket side of a topic, as the handler gives it to `TopicOffer.tryJoin`. */
export interface TopicMember {
  /** Sends items to this subscriber alone (the catch-up before it joins the topic). */
  send(items: readonly unknown[]): void;
  /** From now on the socket gets every item published to `topic`. */
  join(topic: string): void;
  leave(topic: string): void;
  /** Bytes waiting in the socket's send buffer (not yet taken by the kernel). */
  buffered(): number;
  /** Drops the connection (close 4008 with the reason). */
  disconnect(reason: string): void;
}

/** Publishes items to every socket joined to a topic (Bun's native publish). */
export interface TopicPublisher {
  publish(topic: string, items: readonly unknown[]): void;
}

export abstract class TopicOffer {
  /**
   * Joins `member` to the feed's topic if the feed has sent it everything
   * the topic might skip; false when the feed must catch up further first
   * (the handler then keeps pulling the feed). Runs synchronously.
   */
  abstract tryJoin(member: TopicMember, publisher: TopicPublisher): boolean;
}

/** The `data` message of a subscription, with a pre-serialised payload spliced in as is. */
export function encodeData(idJson: string, value: unknown): string {
  if (isTrackedEnvelope(value)) {
    const [eventId, data] = value;
    const eventIdJson = JSON.stringify(eventId);
    const dataJson = data instanceof SerializedJson ? data.json : JSON.stringify(data);
    return `{"id":${idJson},"jsonrpc":"2.0","result":{"type":"data","id":${eventIdJson},"data":{"id":${eventIdJson},"data":${dataJson}}}}`;
  }
  const dataJson = value instanceof SerializedJson ? value.json : JSON.stringify(value);
  return `{"id":${idJson},"jsonrpc":"2.0","result":{"type":"data","data":${dataJson}}}`;
}
