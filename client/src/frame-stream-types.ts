/** The types of the frame stream (`frame-stream.ts`), the `/v3/stream` client helper. */

/** One message of the `/v3/stream` protocol (protobuf-JSON, proto field names, enums as numbers). */
export type StreamEnvelope = { frame: Record<string, unknown> } | { header: Record<string, unknown> };

/** How a message ended. */
export type SendResult =
  /** `ids` are the journal ids, null for frames accepted while the server's Redis was away (`spooled`). */
  | { status: "acknowledged"; ids: Array<string | null>; spooled?: true }
  | { status: "rejected"; error: string }
  /** `close()` gave up on it before the server answered; `close()` returned its text. */
  | { status: "abandoned" };

export type FrameStreamErrorKind = "connect" | "unauthorized" | "disconnected" | "protocol" | "timeout";

/** Transient trouble reported to `onError`; the stream retries by itself. */
export class FrameStreamError extends Error {
  constructor(
    readonly kind: FrameStreamErrorKind,
    message: string,
  ) {
    super(message);
    this.name = "FrameStreamError";
  }
}

/** The part of the WebSocket API the stream uses (the platform's, Bun's, or a compatible one). */
export interface StreamSocket {
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  send(data: string): unknown;
  close(code?: number, reason?: string): void;
}

export interface FrameStreamOptions {
  /** An http(s) base URL (`/v3/stream` is appended, the scheme becomes ws/wss) or a full ws(s) URL, used as is. */
  url: string;
  /** A JWT; sent as `Authorization: Bearer <token>` on the upgrade and/or as `?token=` (see `tokenIn`). */
  token?: string;
  /** Where the token travels (default "header"; browsers cannot send headers: use "query" there). */
  tokenIn?: "header" | "query" | "both";
  /** Sent as `X-Node-ID` on the upgrade. */
  nodeId?: string;
  /** Sent as `X-User-ID` on the upgrade. */
  userId?: string;
  /** Most messages on the wire without an answer (default 32). */
  maxInFlight?: number;
  /** With messages in flight, how long to wait for the next answer before reconnecting (default 30 s). */
  ackTimeoutMs?: number;
  /** Delay before reconnect attempt n (0-based; default 250 ms doubling up to 10 s, ±20% jitter). */
  retryDelayMs?: (attempt: number) => number;
  /** Transient trouble; the stream keeps retrying. */
  onError?: (error: FrameStreamError) => void;
  /** The server refused a message for good; `message` is its text. */
  onRejected?: (error: string, message: string) => void;
  /** A connection was opened (first or after a reconnect). */
  onOpen?: () => void;
  /** Opens the socket; default: the global `WebSocket`, given `{ headers }` when there are any (Bun, Node 22+). */
  createWebSocket?: (url: string, headers: Record<string, string>) => StreamSocket;
}

export interface FrameStream {
  /** Queues a message (an Envelope, or its JSON text) and resolves once the server has answered it. Throws once closing. */
  send(message: StreamEnvelope | string): Promise<SendResult>;
  /** Resolves true once every message sent before this call is answered, or false after `timeoutMs`. */
  flush(timeoutMs?: number): Promise<boolean>;
  /** Flushes for up to `timeoutMs` (default 5 s), closes, and returns the unanswered messages' texts, oldest first. */
  close(options?: { timeoutMs?: number }): Promise<string[]>;
  /** Messages not answered yet (in flight or waiting). */
  readonly buffered: number;
  /** Messages on the wire awaiting an answer. */
  readonly inFlight: number;
  readonly connected: boolean;
  /** The WebSocket URL in use (without a query token). */
  readonly url: string;
}
