import { connect, type Socket } from "node:net";

/**
 * A client that subscribes and then stops reading from its socket (TCP flow
 * control: the server's writes back up), the way a frozen game client or a
 * stalled network looks to the server. Raw sockets, because WebSocket and
 * fetch clients keep reading into memory on their own.
 */
export interface StalledClient {
  /**
   * Starts reading again and resolves once the connection ends: the bytes
   * the server had sent are drained, then its close is seen. (A paused
   * socket cannot observe the server closing.) Rejects after `timeoutMs` if
   * the server keeps the connection open.
   */
  drainUntilClosed(timeoutMs: number): Promise<void>;
  destroy(): void;
}

function open(port: number, request: string, afterHandshake?: (socket: Socket) => void): Promise<StalledClient> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let head = "";
    const closed = new Promise<void>((done) => {
      socket.once("close", () => done());
    });
    socket.on("error", () => {});
    socket.once("connect", () => socket.write(request));
    const onData = (chunk: Buffer) => {
      head += chunk.toString("latin1");
      if (!head.includes("\r\n\r\n")) return;
      socket.off("data", onData);
      if (!/^HTTP\/1\.1 (101|200)/.test(head)) {
        reject(new Error(`unexpected answer: ${head.split("\r\n")[0]}`));
        return;
      }
      afterHandshake?.(socket);
      socket.pause(); // never read again
      resolve({
        drainUntilClosed(timeoutMs) {
          socket.on("data", () => {});
          socket.resume();
          return Promise.race([
            closed,
            Bun.sleep(timeoutMs).then(() => Promise.reject(new Error(`the server kept the connection open for ${timeoutMs} ms`))),
          ]);
        },
        destroy: () => socket.destroy(),
      });
    };
    socket.on("data", onData);
  });
}

/** A masked client text frame (RFC 6455). */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = Buffer.from([1, 2, 3, 4]);
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x81, 0x80 | length]) : Buffer.from([0x81, 0x80 | 126, length >> 8, length & 0xff]);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
  return Buffer.concat([header, mask, masked]);
}

/** tRPC over WebSocket: subscribes to `path` with `input`, then stops reading. */
export function stalledWebSocketSubscriber(port: number, path: string, input: unknown): Promise<StalledClient> {
  const key = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const request = `GET /trpc HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
  return open(port, request, (socket) => {
    socket.write(textFrame(JSON.stringify({ id: 1, method: "subscription", params: { path, input } })));
  });
}

/** tRPC over SSE: opens the event stream of `path` with `input`, then stops reading. */
export function stalledSseSubscriber(port: number, path: string, input: unknown): Promise<StalledClient> {
  const query = `input=${encodeURIComponent(JSON.stringify(input))}`;
  const request = `GET /trpc/${path}?${query} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`;
  return open(port, request);
}

/** A plain HTTP stream (the live SSE routes): GETs `target` (path and query), then stops reading. */
export function stalledHttpSubscriber(port: number, target: string): Promise<StalledClient> {
  return open(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`);
}
