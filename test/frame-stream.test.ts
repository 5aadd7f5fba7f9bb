import { describe, expect, test } from "bun:test";
import { createFrameStream, type FrameStreamError, type FrameStreamOptions, type SendResult } from "../client/src/index.ts";
import { waitFor } from "./harness/index.ts";
import { startStreamStandIn } from "./support/stream-stand-in.ts";

const SESSION = "0f4d7a52-3c59-4d2b-9a3e-8f8b0d3f6a11";
const frame = (i: number) => ({
  frame: { frame_index: i, timestamp: new Date(Date.UTC(2025, 0, 1, 0, 0, 0, i)).toISOString(), events: [], session: { session_id: SESSION } },
});
const fast = { retryDelayMs: () => 20 } satisfies Partial<FrameStreamOptions>;

function streamTo(url: string, extra: Partial<FrameStreamOptions> = {}) {
  const errors: FrameStreamError[] = [];
  const rejected: Array<{ error: string; message: string }> = [];
  const stream = createFrameStream({
    url,
    ...fast,
    onError: (error) => errors.push(error),
    onRejected: (error, message) => rejected.push({ error, message }),
    ...extra,
  });
  return { stream, errors, rejected, [Symbol.asyncDispose]: () => stream.close({ timeoutMs: 0 }).then(() => {}) };
}

/** Sends frames `from..to-1` and records the order in which their results arrive. */
function sendRange(stream: ReturnType<typeof createFrameStream>, from: number, to: number, order: number[]) {
  const results: Array<Promise<SendResult>> = [];
  for (let i = from; i < to; i++) results.push(stream.send(frame(i)).then((r) => (order.push(i), r)));
  return results;
}

const indexes = (frames: Array<{ frame_index?: number }>) => frames.map((f) => f.frame_index);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe("frame stream to /v3/stream", () => {
  test("each message is acknowledged in order with the server's ids; token and node/user ids travel on the upgrade", async () => {
    await using server = await startStreamStandIn({ token: "secret-token" });
    await using s = streamTo(server.url, { token: "secret-token", nodeId: "node-7", userId: "user-9" });
    const order: number[] = [];
    const results = await Promise.all(sendRange(s.stream, 0, 20, order));

    expect(order).toEqual(range(0, 20));
    expect(results.every((r) => r.status === "acknowledged" && r.ids.length === 1)).toBe(true);
    expect(results.map((r) => (r.status === "acknowledged" ? r.ids[0] : ""))).toEqual(server.accepted.map((e) => e.ids[0]!));
    expect(indexes(server.frames())).toEqual(range(0, 20));
    expect(server.upgrades).toEqual([{ authorization: "Bearer secret-token", queryToken: null, nodeId: "node-7", userId: "user-9" }]);
    expect(s.stream.buffered).toBe(0);
    expect(s.errors).toEqual([]);
  });

  test("the token may travel as ?token= instead", async () => {
    await using server = await startStreamStandIn({ token: "secret-token" });
    await using s = streamTo(server.url, { token: "secret-token", tokenIn: "query" });
    expect(await s.stream.send(frame(0))).toMatchObject({ status: "acknowledged" });
    expect(server.upgrades[0]).toMatchObject({ authorization: null, queryToken: "secret-token" });
  });

  test("a 401 on the upgrade is reported as unauthorized and nothing is delivered; close returns what was kept", async () => {
    await using server = await startStreamStandIn({ token: "secret-token" });
    const s = streamTo(server.url, { token: "wrong" });
    const result = s.stream.send(frame(0));
    await waitFor("an unauthorized error", () => s.errors.some((e) => e.kind === "unauthorized"));
    expect(server.unauthorized).toBeGreaterThan(0);
    const left = await s.stream.close({ timeoutMs: 0 });
    expect(left).toEqual([JSON.stringify(frame(0))]);
    expect(await result).toEqual({ status: "abandoned" });
    expect(server.received).toEqual([]);
  });

  test("never has more than maxInFlight messages unanswered on the wire", async () => {
    await using server = await startStreamStandIn();
    await using s = streamTo(server.url, { maxInFlight: 3 });
    server.hold();
    const order: number[] = [];
    const results = sendRange(s.stream, 0, 10, order);
    await waitFor("a full window", () => server.received.length === 3);
    expect(s.stream.inFlight).toBe(3);
    expect(s.stream.buffered).toBe(10);
    server.release();
    await Promise.all(results);
    expect(order).toEqual(range(0, 10));
    expect(server.maxUnanswered).toBe(3);
  });

  test("the server going away mid-stream and coming back on the same port loses nothing and keeps the order", async () => {
    await using server = await startStreamStandIn();
    await using s = streamTo(server.url, { maxInFlight: 8 });
    const order: number[] = [];
    const first = sendRange(s.stream, 0, 20, order);
    await Promise.all(first);

    // Answers held, then the server dies: what it received was never acknowledged.
    server.hold();
    const second = sendRange(s.stream, 20, 40, order);
    await waitFor("a full window in flight", () => server.received.length === 28);
    await server.stop();
    // While it is down, more messages queue up.
    const third = sendRange(s.stream, 40, 60, order);
    await waitFor("the drop to be noticed", () => s.errors.some((e) => e.kind === "disconnected"));
    expect(s.stream.connected).toBe(false);
    server.release();
    await server.restart();

    const results = await Promise.all([...second, ...third]);
    expect(results.every((r) => r.status === "acknowledged")).toBe(true);
    expect(order).toEqual(range(0, 60));
    // Every frame arrived once after deduplication, in order; the resent window arrived twice.
    expect(indexes(server.frames())).toEqual(range(0, 60));
    expect(server.received.length).toBeGreaterThan(60);
    expect(server.upgrades.length).toBeGreaterThanOrEqual(2);
    expect(s.stream.buffered).toBe(0);
  });

  test("a success:false answer is surfaced for that message, not retried, and the connection stays open", async () => {
    await using server = await startStreamStandIn({
      reject: (e) => ((e.body as { frame_index?: number }).frame_index === 3 ? "frame 3 is not wanted" : undefined),
    });
    await using s = streamTo(server.url);
    const order: number[] = [];
    const results = await Promise.all(sendRange(s.stream, 0, 6, order));
    expect(results[3]).toEqual({ status: "rejected", error: "frame 3 is not wanted" });
    expect(s.rejected).toEqual([{ error: "frame 3 is not wanted", message: JSON.stringify(frame(3)) }]);
    expect(order).toEqual(range(0, 6));
    expect(indexes(server.frames())).toEqual([0, 1, 2, 4, 5]);
    expect(server.received.length).toBe(6);
    expect(server.upgrades.length).toBe(1);
  });

  test("a message the server cannot accept is rejected with an error naming the field", async () => {
    await using server = await startStreamStandIn();
    await using s = streamTo(server.url);
    const result = await s.stream.send({ frame: { frame_index: 0, session: {} } });
    expect(result.status).toBe("rejected");
    expect(result.status === "rejected" && result.error).toContain("session.session_id");
  });

  test("no answer within ackTimeoutMs reconnects and resends", async () => {
    await using server = await startStreamStandIn();
    await using s = streamTo(server.url, { ackTimeoutMs: 150 });
    server.hold();
    const result = s.stream.send(frame(0));
    await waitFor("a second connection", () => server.upgrades.length >= 2 && server.received.length >= 2);
    server.release();
    expect(await result).toMatchObject({ status: "acknowledged" });
    expect(s.errors.some((e) => e.kind === "timeout")).toBe(true);
  });

  test("an answer that is not {success: boolean} drops the connection and the message is resent", async () => {
    let connection = 0;
    const received: string[] = [];
    using server = Bun.serve<{ n: number }>({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (req, srv) => (srv.upgrade(req, { data: { n: ++connection } }) ? undefined : new Response("no", { status: 400 })),
      websocket: {
        message(ws, message) {
          received.push(String(message));
          ws.send(ws.data.n === 1 ? "nonsense" : JSON.stringify({ success: true, ids: ["1-0"] }));
        },
      },
    });
    await using s = streamTo(`ws://127.0.0.1:${server.port}/v3/stream`);
    expect(await s.stream.send(frame(0))).toEqual({ status: "acknowledged", ids: ["1-0"] });
    expect(received).toEqual([JSON.stringify(frame(0)), JSON.stringify(frame(0))]);
    expect(s.errors.map((e) => e.kind)).toContain("protocol");
  });

  test("flush waits for every answer; close returns the unanswered messages while the server is down", async () => {
    await using server = await startStreamStandIn();
    const s = streamTo(server.url);
    void s.stream.send(frame(0));
    void s.stream.send(frame(1));
    expect(await s.stream.flush(10_000)).toBe(true);
    expect(indexes(server.frames())).toEqual([0, 1]);

    await server.stop();
    const kept = s.stream.send(frame(2));
    expect(await s.stream.flush(50)).toBe(false);
    expect(await s.stream.close({ timeoutMs: 50 })).toEqual([JSON.stringify(frame(2))]);
    expect(await kept).toEqual({ status: "abandoned" });
    expect(() => s.stream.send(frame(3))).toThrow("send after close");
  });
});
