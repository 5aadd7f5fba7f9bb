/**
 * A minimal tRPC WebSocket client speaking the protocol of tRPC's `wsLink`
 * (what the server's handler serves), without the typed client's per-message
 * parsing: subscription data reaches the caller as the raw text, so a
 * thousand subscribers in one worker cost the bench as little as possible.
 * Opened with `pages`, it asks for replay in pages (`/trpc?pages=1`, as the
 * typed client does) and hands each data message of a page, parsed, to the
 * subscription.
 */
export class TrpcSocket {
  private nextId = 1;
  private readonly calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly subs = new Map<number, { onData: (message: string | object) => void; started: () => void; failed: (e: Error) => void }>();
  /** Set when the server closed the socket: code and reason. */
  closed: { code: number; reason: string } | undefined;

  private constructor(private readonly ws: WebSocket) {
    ws.onmessage = (event) => this.receive(event.data as string);
    ws.onclose = (event) => {
      this.closed = { code: event.code, reason: event.reason };
      const error = new Error(`socket closed ${event.code} ${event.reason}`);
      for (const c of this.calls.values()) c.reject(error);
      for (const s of this.subs.values()) s.failed(error);
      this.calls.clear();
    };
  }

  /** `base` is the server's http URL. */
  static open(base: string, { pages = false }: { pages?: boolean } = {}): Promise<TrpcSocket> {
    const ws = new WebSocket(`${base.replace(/^http/, "ws")}/trpc${pages ? "?pages=1" : ""}`);
    return new Promise((resolve, reject) => {
      ws.onopen = () => resolve(new TrpcSocket(ws));
      ws.onerror = () => reject(new Error(`cannot open ${base}/trpc`));
    });
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  mutate(path: string, input: unknown): Promise<unknown> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ id, method: "mutation", params: { path, input } }));
    return new Promise((resolve, reject) => this.calls.set(id, { resolve, reject }));
  }

  /** Resolves once the server says `started`; `onData` gets each data message's text (parsed, when it came in a page). */
  subscribe(path: string, input: unknown, onData: (message: string | object) => void): Promise<void> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ id, method: "subscription", params: { path, input } }));
    return new Promise((started, failed) => this.subs.set(id, { onData, started: () => started(), failed }));
  }

  close(): void {
    this.ws.close();
  }

  private receive(text: string): void {
    if (text.charCodeAt(0) === 91 /* [ */) {
      // A page: a batch of data messages.
      for (const message of JSON.parse(text) as Array<{ id: number; result?: { type?: string } }>) {
        if (message.result?.type === "data") this.subs.get(message.id)?.onData(message);
      }
      return;
    }
    // The server writes `{"id":<n>,...`: find the id without parsing the whole message.
    const id = Number(text.slice(6, text.indexOf(",", 6)));
    const sub = this.subs.get(id);
    if (sub && text.startsWith('"type":"data"', text.indexOf('"result":{') + 10)) {
      sub.onData(text);
      return;
    }
    const msg = JSON.parse(text) as { id: number; result?: { type?: string; data?: unknown }; error?: { message: string } };
    const call = this.calls.get(msg.id);
    if (call) {
      this.calls.delete(msg.id);
      if (msg.error) call.reject(new Error(msg.error.message));
      else call.resolve(msg.result?.data);
      return;
    }
    if (!sub) return;
    if (msg.error) sub.failed(new Error(msg.error.message));
    else if (msg.result?.type === "started") sub.started();
  }
}
