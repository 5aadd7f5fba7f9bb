import type { Server, ServerWebSocket } from "bun";
import { FrameSchema, normalizeKeys, sessionIdOf, type Frame } from "../../shared/src/frames.ts";

/**
 * A stand-in for the server's `WS /v3/stream` endpoint, on a real Bun
 * server, that follows its contract exactly:
 *
 * - the upgrade is at `/v3/stream` (anything else: 404);
 * - with `token` set, the upgrade needs that JWT as `Authorization: Bearer`
 *   or `?token=`; a missing or different token gets HTTP 401 before the upgrade;
 * - each text message is one JSON Envelope, `{"frame": {...}}` or
 *   `{"header": {...}}`; a frame must pass the shared FrameSchema;
 * - every message is answered, in order, with `{"success": true, "ids": [...]}`
 *   or `{"success": false, "error": "..."}`; the connection stays open;
 * - frames are deduplicated by session id + frame index + timestamp: a
 *   duplicate is answered with the ids it got the first time.
 *
 * It records what it received, and lets a test drop connections, stop and
 * restart on the same port, hold answers, or reject chosen messages.
 */
export interface StreamStandIn extends AsyncDisposable {
  /** The http base URL; a client adds `/v3/stream`. */
  readonly url: string;
  readonly port: number;
  /** Every message as received, duplicates included, in arrival order. */
  readonly received: ReceivedMessage[];
  /** Accepted envelopes, without duplicates, in the order they were first accepted. */
  readonly accepted: AcceptedEnvelope[];
  /** The upgrade requests that were accepted. */
  readonly upgrades: UpgradeInfo[];
  /** Upgrade attempts answered 401. */
  readonly unauthorized: number;
  /** The most messages any one connection had received and not yet answered at once. */
  readonly maxUnanswered: number;
  /** Accepted frames, in order. */
  frames(): Frame[];
  /** Closes every open connection (the server keeps listening). */
  dropConnections(): void;
  /** Stops listening and drops every connection. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  restart(): Promise<void>;
  /** Holds answers until `release()`; held answers of a connection that closes are lost. */
  hold(): void;
  release(): void;
}

export interface ReceivedMessage {
  text: string;
  connection: number;
}
export interface AcceptedEnvelope {
  kind: "frame" | "header";
  body: Record<string, unknown>;
  ids: string[];
}
export interface UpgradeInfo {
  authorization: string | null;
  queryToken: string | null;
  nodeId: string | null;
  userId: string | null;
}

export interface StreamStandInOptions {
  /** The only token accepted; unset: no authentication. */
  token?: string;
  /** Returns an error to reject an otherwise valid envelope with `success: false`. */
  reject?: (envelope: AcceptedEnvelope) => string | undefined;
}

interface SocketData {
  connection: number;
  unanswered: number;
}

export async function startStreamStandIn(options: StreamStandInOptions = {}): Promise<StreamStandIn> {
  const received: ReceivedMessage[] = [];
  const accepted: AcceptedEnvelope[] = [];
  const upgrades: UpgradeInfo[] = [];
  const idsByKey = new Map<string, string[]>();
  const sockets = new Set<ServerWebSocket<SocketData>>();
  const held = new Map<ServerWebSocket<SocketData>, string[]>();
  let holding = false;
  let seq = 0;
  let server: Server<SocketData> | undefined;

  const state = { unauthorized: 0, maxUnanswered: 0 };

  function nextId(): string {
    return `${Date.now()}-${seq++}`;
  }

  function answer(text: string): Record<string, unknown> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { success: false, error: "message is not JSON" };
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
      return { success: false, error: "message must be a JSON object (an Envelope)" };
    }
    const keys = Object.keys(parsed);
    const kind = keys.length === 1 && (keys[0] === "frame" || keys[0] === "header") ? keys[0] : undefined;
    const body = kind ? (parsed as Record<string, unknown>)[kind] : undefined;
    if (!kind || !body || typeof body !== "object") {
      return { success: false, error: 'an Envelope has exactly one of "frame" or "header", an object' };
    }
    let key: string | undefined;
    let normalized = normalizeKeys(body) as Record<string, unknown>;
    if (kind === "frame") {
      const frame = FrameSchema.safeParse(normalized);
      if (!frame.success) {
        const issue = frame.error.issues[0]!;
        return { success: false, error: `frame.${issue.path.join(".")}: ${issue.message}` };
      }
      normalized = frame.data;
      key = `${sessionIdOf(frame.data)}|${frame.data.frame_index ?? ""}|${frame.data.timestamp ?? ""}`;
      const seen = idsByKey.get(key);
      if (seen) return { success: true, ids: seen };
    }
    const envelope: AcceptedEnvelope = { kind, body: normalized, ids: [] };
    const refusal = options.reject?.(envelope);
    if (refusal) return { success: false, error: refusal };
    envelope.ids.push(nextId());
    accepted.push(envelope);
    if (key) idsByKey.set(key, envelope.ids);
    return { success: true, ids: envelope.ids };
  }

  let connections = 0;
  function listen(port: number): Server<SocketData> {
    return Bun.serve<SocketData>({
      hostname: "127.0.0.1",
      port,
      fetch(req, srv) {
        const url = new URL(req.url);
        if (url.pathname !== "/v3/stream") return new Response("not found", { status: 404 });
        const authorization = req.headers.get("authorization");
        const queryToken = url.searchParams.get("token");
        if (options.token !== undefined) {
          const bearer = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
          const presented = bearer ?? queryToken;
          if (presented !== options.token) {
            state.unauthorized++;
            return Response.json({ success: false, error: "invalid or missing token" }, { status: 401 });
          }
        }
        const info = { authorization, queryToken, nodeId: req.headers.get("x-node-id"), userId: req.headers.get("x-user-id") };
        if (srv.upgrade(req, { data: { connection: ++connections, unanswered: 0 } })) {
          upgrades.push(info);
          return undefined;
        }
        return new Response("expected a WebSocket upgrade", { status: 426 });
      },
      websocket: {
        open(ws) {
          sockets.add(ws);
        },
        message(ws, message) {
          const text = typeof message === "string" ? message : "";
          received.push({ text, connection: ws.data.connection });
          state.maxUnanswered = Math.max(state.maxUnanswered, ++ws.data.unanswered);
          const reply = JSON.stringify(typeof message === "string" ? answer(text) : { success: false, error: "send text messages" });
          if (holding) held.set(ws, [...(held.get(ws) ?? []), reply]);
          else sendAnswer(ws, reply);
        },
        close(ws) {
          sockets.delete(ws);
          held.delete(ws);
        },
      },
    });
  }

  server = listen(0);
  const port = server.port!;

  function sendAnswer(ws: ServerWebSocket<SocketData>, reply: string) {
    ws.data.unanswered--;
    ws.send(reply);
  }

  function dropConnections() {
    for (const ws of sockets) ws.close(1012, "stand-in restarting");
    sockets.clear();
    held.clear();
  }

  const standIn: StreamStandIn = {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    accepted,
    upgrades,
    get unauthorized() {
      return state.unauthorized;
    },
    get maxUnanswered() {
      return state.maxUnanswered;
    },
    frames: () => accepted.filter((e) => e.kind === "frame").map((e) => e.body as Frame),
    dropConnections,
    async stop() {
      dropConnections();
      await server?.stop(true);
      server = undefined;
    },
    async restart() {
      if (!server) server = listen(port);
    },
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const [ws, replies] of held) for (const reply of replies) sendAnswer(ws, reply);
      held.clear();
    },
    async [Symbol.asyncDispose]() {
      await standIn.stop();
    },
  };
  return standIn;
}
