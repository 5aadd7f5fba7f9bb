/**
 * Replay in pages over WebSocket, without changing what a subscription's
 * consumer sees.
 *
 * A server that is asked for pages (`/trpc?pages=1`) sends a page of replayed
 * events as one message: a JSON-RPC batch, an array of the data messages it
 * would otherwise send one by one, each still with its event id. The socket
 * class made here opens its URL with `pages=1` and hands each element of such
 * an array to the message listeners as a message of its own, already parsed;
 * `pagedEncoder` lets tRPC's client take a parsed message as it is. So the
 * client parses one page once instead of a thousand messages, and the
 * subscription sees exactly the messages, ids and order it saw before.
 */

/** A WebSocket class (the platform's, or a ponyfill's) whose sockets ask for pages and unpack them. */
export function pagedWebSocket(Base: typeof WebSocket): typeof WebSocket {
  return class PagedWebSocket extends Base {
    private readonly unpackers = new Map<EventListenerOrEventListenerObject, EventListener>();

    constructor(url: string | URL, protocols?: string | string[]) {
      const paged = new URL(url);
      paged.searchParams.set("pages", "1");
      super(paged, protocols);
    }

    override addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void {
      if (type !== "message") return super.addEventListener(type, listener, options);
      let unpacker = this.unpackers.get(listener);
      if (!unpacker) {
        const deliver = (event: Event) => (typeof listener === "function" ? listener.call(this, event) : listener.handleEvent(event));
        unpacker = (event) => {
          const data = (event as MessageEvent).data;
          if (typeof data !== "string" || data.charCodeAt(0) !== 91 /* [ */) return deliver(event);
          for (const message of JSON.parse(data) as unknown[]) deliver(new MessageEvent("message", { data: message }));
        };
        this.unpackers.set(listener, unpacker);
      }
      super.addEventListener(type, unpacker, options);
    }

    override removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void {
      const unpacker = type === "message" ? this.unpackers.get(listener) : undefined;
      super.removeEventListener(type, unpacker ?? listener, options);
    }
  };
}

/** tRPC's JSON encoder, taking as it is a message the paged socket has parsed already. */
export const pagedEncoder = {
  encode: (message: unknown): string => JSON.stringify(message),
  decode: (data: unknown): unknown => (typeof data === "string" ? JSON.parse(data) : data),
};
