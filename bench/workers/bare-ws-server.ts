/**
 * The connection-memory baseline of Bun itself: a bare `Bun.serve` whose
 * WebSockets (same options as the server's: idle timeout, pings) answer a
 * subscription message with tRPC's `started` and join one native topic,
 * which is what a caught-up subscriber is on the server, minus everything
 * of ours. It runs in its own process and tells the parent its URL.
 */
import { toParent } from "../lib/workers.ts";

const server = Bun.serve<{ id: unknown }>({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req, srv) {
    if (srv.upgrade(req, { data: { id: null } })) return undefined;
    return new Response("WebSocket only", { status: 400 });
  },
  websocket: {
    idleTimeout: 120,
    sendPings: true,
    message(ws, message) {
      const { id } = JSON.parse(String(message)) as { id: unknown };
      ws.data.id = id;
      ws.subscribe("bench-idle");
      ws.send(JSON.stringify({ id, jsonrpc: "2.0", result: { type: "started" } }));
    },
  },
});

process.on("SIGTERM", () => {
  void server.stop(true);
  process.exit(0);
});
toParent({ type: "ready", url: `http://127.0.0.1:${server.port}`, pid: process.pid });
