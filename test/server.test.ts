import { describe, expect, test } from "bun:test";
import { closeClient, createClient } from "../client/src/index.ts";
import { waitFor } from "./harness/index.ts";
import { startTestServer } from "./support/server.ts";

describe("server on the embedded default", () => {
  test("GET /health reports healthy, the backends in use and each dependency", async () => {
    await using server = await startTestServer();
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe("healthy");
    expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);
    expect(body.backend).toEqual({ journal: "sqlite", documents: "sqlite" });
    expect(body.dependencies.sqlite.status).toBe("up");
  });

  test("GET /metrics is Prometheus text with process, HTTP and WebSocket metrics", async () => {
    await using server = await startTestServer();
    await fetch(`${server.url}/health`);
    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toContain("gamejournal_process_resident_memory_bytes");
    expect(text).toMatch(/gamejournal_http_requests_total\{method="GET",route="\/health",status="200"\} 1/);
    expect(text).toContain("# TYPE gamejournal_websocket_connections gauge");
  });

  test("unknown routes answer a JSON 404", async () => {
    await using server = await startTestServer();
    const res = await fetch(`${server.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ success: false, code: "NOT_FOUND" });
  });

  test("tRPC over HTTP batches queries into one request", async () => {
    await using server = await startTestServer();
    const res = await fetch(`${server.url}/trpc/system.health,system.health?batch=1&input=${encodeURIComponent("{}")}`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toHaveLength(2);
    expect(body[0].result.data.status).toBe("healthy");
    expect(body[1].result.data.status).toBe("healthy");
  });

  test("an unknown tRPC procedure is a 404 with a tRPC error shape", async () => {
    await using server = await startTestServer();
    const res = await fetch(`${server.url}/trpc/system.nope`);
    expect(res.status).toBe(404);
    expect((await res.json()).error.data.code).toBe("NOT_FOUND");
  });

  for (const transport of ["ws", "sse"] as const) {
    test(`system.clock ticks over ${transport}, each tick with an id`, async () => {
      await using server = await startTestServer();
      const client = createClient({ url: server.url, subscriptions: transport });
      const ticks: Array<{ id: string; now: number }> = [];
      const sub = client.system.clock.subscribe(undefined, {
        onData: ({ id, data }) => ticks.push({ id, now: data.now }),
      });
      try {
        await waitFor("two clock ticks", () => ticks.length >= 2, { timeoutMs: 5_000 });
        expect(ticks[0]!.id).toBe(String(ticks[0]!.now));
        expect(ticks[1]!.now).toBeGreaterThan(ticks[0]!.now);
        expect(await client.system.health.query()).toMatchObject({ status: "healthy" });
      } finally {
        sub.unsubscribe();
        await closeClient(client);
      }
    });
  }

  test("a WebSocket subscription is counted in /metrics while open", async () => {
    await using server = await startTestServer();
    const client = createClient({ url: server.url });
    let ticks = 0;
    const sub = client.system.clock.subscribe(undefined, { onData: () => ticks++ });
    try {
      await waitFor("a tick", () => ticks > 0);
      const text = await (await fetch(`${server.url}/metrics`)).text();
      expect(text).toContain('gamejournal_websocket_connections{endpoint="trpc"} 1');
    } finally {
      sub.unsubscribe();
      await closeClient(client);
    }
  });
});
