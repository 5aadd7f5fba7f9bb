import { describe, expect, test } from "bun:test";
import { startRedis, waitFor } from "../harness/index.ts";
import { startTestServer } from "../support/server.ts";

/** Rate limits, CORS and readiness: issue 14 found none of them. */

const JSON_TYPE = { "Content-Type": "application/json" };
const SECRET = "edges-secret-of-at-least-32-characters";

describe("rate limits", () => {
  test("writes and reads per credential are token buckets: 429 with Retry-After naming the limit, counted in /metrics", async () => {
    await using server = await startTestServer({ AUTH_MODE: "token", JWT_SECRET: SECRET, RATE_LIMIT_INGEST_PER_SECOND: "2", RATE_LIMIT_READ_PER_SECOND: "3" });
    const alice = await server.services.auth.sign("alice", { scopes: ["ingest", "read"] });
    const bob = await server.services.auth.sign("bob", { scopes: ["ingest", "read"] });
    const write = (token: string) =>
      fetch(`${server.url}/v1/journal/purchases`, {
        method: "POST",
        headers: { ...JSON_TYPE, Authorization: `Bearer ${token}` },
        body: JSON.stringify({ user_id: "u", session_id: "s", purchase: { sku: "x" } }),
      });
    // A bucket holds two seconds' worth: 4 writes pass at once, the 5th waits.
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await write(alice)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const refused = await write(alice);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { error: string }).error).toContain("RATE_LIMIT_INGEST_PER_SECOND");
    // Another credential has its own bucket; tRPC mutations share the write bucket.
    expect((await write(bob)).status).toBe(200);
    const trpc = await fetch(`${server.url}/trpc/journal.purchase`, {
      method: "POST",
      headers: { ...JSON_TYPE, Authorization: `Bearer ${alice}` },
      body: JSON.stringify({ user_id: "u", session_id: "s", purchase: {} }),
    });
    expect(trpc.status).toBe(429);
    // Reads have a bucket of their own.
    const reads = [];
    for (let i = 0; i < 7; i++) reads.push((await fetch(`${server.url}/v1/journal/events:purchases`, { headers: { Authorization: `Bearer ${alice}` } })).status);
    expect(reads).toEqual([200, 200, 200, 200, 200, 200, 429]);
    // The limits do not touch /health, /ready or /metrics.
    for (let i = 0; i < 10; i++) expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const refusals = metrics.split("\n").filter((line) => line.startsWith("gamejournal_rate_limited_total{"));
    expect(refusals).toEqual(['gamejournal_rate_limited_total{kind="ingest",by="credential"} 3', 'gamejournal_rate_limited_total{kind="read",by="credential"} 1']);
  });

  test("per address, writes and reads together, over HTTP and socket messages alike", async () => {
    await using server = await startTestServer({ RATE_LIMIT_IP_PER_SECOND: "3" });
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await fetch(`${server.url}/v1/journal/events:purchases`)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
    expect(((await (await fetch(`${server.url}/v1/journal/events:purchases`)).json()) as { error: string }).error).toContain("RATE_LIMIT_IP_PER_SECOND");
    // The socket's messages draw from the same address's bucket.
    const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/trpc`);
    await new Promise((resolve) => (ws.onopen = resolve));
    const answer = new Promise<{ id: number; error?: { data: { code: string } } }>((resolve) => (ws.onmessage = (event) => resolve(JSON.parse(String(event.data)))));
    ws.send(JSON.stringify({ id: 1, method: "query", params: { path: "system.health" } }));
    expect((await answer).error?.data.code).toBe("TOO_MANY_REQUESTS");
    ws.close();
  });

  test("are off by default in AUTH_MODE=open (a trusted network)", async () => {
    await using open = await startTestServer();
    for (let i = 0; i < 300; i++) expect((await fetch(`${open.url}/v1/journal/events:purchases`)).status).toBe(200);
  });
});

describe("CORS", () => {
  test("by default no origin is allowed: no CORS header on any route, preflights included", async () => {
    await using server = await startTestServer();
    for (const path of ["/graphql", "/v1/journal/purchases", "/trpc/journal.purchase"]) {
      const preflight = await fetch(`${server.url}${path}`, { method: "OPTIONS", headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" } });
      expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
      const post = await fetch(`${server.url}${path}`, { method: "POST", headers: { ...JSON_TYPE, Origin: "https://evil.example" }, body: "{}" });
      expect(post.headers.get("access-control-allow-origin")).toBeNull();
    }
  });

  test("CORS_ORIGINS lets those origins' pages call the API, never with credentials, and no other origin", async () => {
    await using server = await startTestServer({ CORS_ORIGINS: "https://dash.example, http://localhost:3000" });
    const preflight = await fetch(`${server.url}/graphql`, {
      method: "OPTIONS",
      headers: { Origin: "https://dash.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://dash.example");
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();
    const get = await fetch(`${server.url}/v1/journal/events:purchases`, { headers: { Origin: "http://localhost:3000" } });
    expect(get.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    const other = await fetch(`${server.url}/v1/journal/events:purchases`, { headers: { Origin: "https://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("GET /ready", () => {
  test("is 200 when every dependency is up, and 503 with the reason while Redis is down or the spool is past its threshold; /health stays 200", async () => {
    await using redis = await startRedis();
    await using server = await startTestServer({ JOURNAL_REDIS_URI: redis.url, READY_MAX_SPOOL_DEPTH: "2" });
    const ready = async () => {
      const res = await fetch(`${server.url}/ready`);
      return { status: res.status, body: (await res.json()) as { ready: boolean; reasons: string[] } };
    };
    expect(await ready()).toMatchObject({ status: 200, body: { ready: true, reasons: [] } });
    await redis.stop();
    const down = await waitFor("not ready while Redis is down", async () => {
      const r = await ready();
      return r.status === 503 ? r : undefined;
    });
    expect(down.body.reasons.join("; ")).toContain("redis is down");
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.url}/v1/journal/purchases`, { method: "POST", headers: JSON_TYPE, body: JSON.stringify({ user_id: "u", session_id: "s", purchase: { i } }) });
      expect(await res.json()).toMatchObject({ spooled: true });
    }
    expect((await ready()).body.reasons.join("; ")).toContain("READY_MAX_SPOOL_DEPTH");
    await redis.start();
    await waitFor("ready again once Redis is back and the spool drained", async () => (await ready()).status === 200, { timeoutMs: 30_000 });
  });
});
