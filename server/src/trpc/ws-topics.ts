import type { Server, ServerWebSocket } from "bun";
import type { TopicMember, TopicPublisher } from "../platform/live-feed/index.ts";
import { encodeData } from "./ws-encode.ts";

/** What the WebSocket handler lends the topics: its guarded send, its closed flag, its slow-subscriber close, and the end of a held subscription. */
export interface WsTopicsDeps<S> {
  send(ws: S, text: string): number;
  isClosed(ws: S): boolean;
  disconnect(ws: S, reason: string): void;
  /** A held subscription ended (see TopicMember.ended): answer it and forget it. */
  ended(ws: S, id: string | number, path: string, error?: Error): void;
}

/**
 * The native topics of one WebSocket handler. A subscription's messages
 * carry its id, so the Bun topic a socket joins is `<topic>\0<id JSON>`:
 * sockets whose subscriptions share an id (the usual case: each client's
 * first subscription) share one message, serialised and published once.
 */
export class WsTopics<S extends ServerWebSocket<unknown>> implements TopicPublisher {
  private server: Server<unknown> | undefined;
  /** Topic → subscription id (JSON) → sockets joined with it. */
  readonly joined = new Map<string, Map<string, number>>();

  constructor(readonly deps: WsTopicsDeps<S>) {}

  bindServer(server: Server<unknown>): void {
    this.server = server;
  }

  publish(topic: string, items: readonly unknown[]): void {
    const ids = this.joined.get(topic);
    if (!ids || !this.server) return;
    for (const idJson of ids.keys()) {
      const name = topicName(topic, idJson);
      for (const item of items) this.server.publish(name, encodeData(idJson, item));
    }
  }

  member(ws: S, id: string | number, idJson: string, path: string): TopicMember {
    return new SocketTopicMember(this, ws, id, idJson, path);
  }
}

export function topicName(topic: string, idJson: string): string {
  return `${topic}\u0000${idJson}`;
}

/**
 * A socket's side of a topic; a class, not closures, since every idle
 * subscriber keeps one (and, once held, little else: see TopicOffer.hold).
 */
class SocketTopicMember<S extends ServerWebSocket<unknown>> implements TopicMember {
  constructor(
    private readonly topics: WsTopics<S>,
    private readonly ws: S,
    private readonly id: string | number,
    private readonly idJson: string,
    private readonly path: string,
  ) {}

  send(items: readonly unknown[]): void {
    this.ws.cork(() => {
      for (const item of items) this.topics.deps.send(this.ws, encodeData(this.idJson, item));
    });
  }

  join(topic: string): void {
    const joined = this.topics.joined;
    let ids = joined.get(topic);
    if (!ids) joined.set(topic, (ids = new Map()));
    ids.set(this.idJson, (ids.get(this.idJson) ?? 0) + 1);
    if (!this.topics.deps.isClosed(this.ws)) this.ws.subscribe(topicName(topic, this.idJson));
  }

  leave(topic: string): void {
    const joined = this.topics.joined;
    const ids = joined.get(topic);
    const n = (ids?.get(this.idJson) ?? 0) - 1;
    if (n > 0) ids!.set(this.idJson, n);
    else ids?.delete(this.idJson);
    if (ids?.size === 0) joined.delete(topic);
    if (!this.topics.deps.isClosed(this.ws)) this.ws.unsubscribe(topicName(topic, this.idJson));
  }

  buffered(): number {
    return this.topics.deps.isClosed(this.ws) ? 0 : this.ws.getBufferedAmount();
  }

  disconnect(reason: string): void {
    this.topics.deps.disconnect(this.ws, reason);
  }

  ended(error?: Error): void {
    this.topics.deps.ended(this.ws, this.id, this.path, error);
  }
}
