import { request } from "node:http";

/**
 * A bare `/v3/stream` client for tests: one WebSocket, every answer kept in
 * arrival order. Unlike the client package's frame stream it never retries,
 * resends or interprets answers, so a test sees exactly what the server did.
 */
export interface StreamSocket extends AsyncDisposable {
  send(message: unknown): void;
  /** The next answer not yet taken, parsed; waits for it. */
  next(): Promise<Record<string, unknown>>;
  /** Sends `message` and waits for its answer (nothing else may be unanswered). */
  call(message: unknown): Promise<Record<string, unknown>>;
  readonly open: boolean;
  /** The close code once closed. */
  readonly closeCode: number | undefined;
  close(): Promise<void>;
}

export interface StreamSocketOptions {
  token?: string;
  /** Where the token goes (default: the Authorization header). */
  tokenIn?: "header" | "query";
  headers?: Record<string, string>;
}

/** The ws URL of a server's `/v3/stream`, with `?token=` when asked. */
export function streamUrl(serverUrl: string, { token, tokenIn = "header" }: StreamSocketOptions = {}): string {
  const url = new URL("/v3/stream", serverUrl.replace(/^http/, "ws"));
  if (token && tokenIn === "query") url.searchParams.set("token", token);
  return url.toString();
}

/** Opens a socket to `serverUrl`'s `/v3/stream`; rejects when the upgrade is refused. */
export async function openStreamSocket(serverUrl: string, options: StreamSocketOptions = {}): Promise<StreamSocket> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token && (options.tokenIn ?? "header") === "header") headers.authorization = `Bearer ${options.token}`;
  const ws = new WebSocket(streamUrl(serverUrl, options), { headers } as unknown as string[]);
  const answers: Array<Record<string, unknown>> = [];
  const waiters: Array<(answer: Record<string, unknown>) => void> = [];
  let closeCode: number | undefined;
  let closed!: () => void;
  const whenClosed = new Promise<void>((resolve) => (closed = resolve));
  ws.onmessage = (event) => {
    const answer = JSON.parse(String(event.data)) as Record<string, unknown>;
    const waiter = waiters.shift();
    if (waiter) waiter(answer);
    else answers.push(answer);
  };
  ws.onclose = (event) => {
    closeCode = event.code;
    closed();
  };
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error(`upgrade to ${streamUrl(serverUrl, options)} refused`));
  });
  const socket: StreamSocket = {
    send: (message) => ws.send(typeof message === "string" ? message : JSON.stringify(message)),
    next: () => {
      const ready = answers.shift();
      if (ready) return Promise.resolve(ready);
      return Promise.race([
        new Promise<Record<string, unknown>>((resolve) => waiters.push(resolve)),
        whenClosed.then(() => Promise.reject(new Error(`the socket closed (${closeCode}) before an answer came`))),
      ]);
    },
    call: (message) => {
      socket.send(message);
      return socket.next();
    },
    get open() {
      return ws.readyState === WebSocket.OPEN;
    },
    get closeCode() {
      return closeCode;
    },
    async close() {
      if (ws.readyState !== WebSocket.CLOSED) ws.close();
      await whenClosed;
    },
    [Symbol.asyncDispose]: () => socket.close(),
  };
  return socket;
}

/**
 * What the server answers an upgrade request to `/v3/stream` with, read at
 * the HTTP level: 101 when it upgrades, else the status and JSON body of its
 * refusal (the socket is never opened).
 */
export function attemptUpgrade(serverUrl: string, options: StreamSocketOptions = {}): Promise<{ status: number; body: unknown }> {
  const url = new URL(streamUrl(serverUrl, options).replace(/^ws/, "http"));
  const headers: Record<string, string> = {
    connection: "Upgrade",
    upgrade: "websocket",
    "sec-websocket-version": "13",
    "sec-websocket-key": Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64"),
    ...options.headers,
  };
  if (options.token && (options.tokenIn ?? "header") === "header") headers.authorization = `Bearer ${options.token}`;
  return new Promise((resolve, reject) => {
    const req = request(url, { headers });
    req.on("upgrade", (_res, socket) => {
      socket.destroy();
      resolve({ status: 101, body: undefined });
    });
    req.on("response", async (res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      resolve({ status: res.statusCode ?? 0, body });
    });
    req.on("error", reject);
    req.end();
  });
}
