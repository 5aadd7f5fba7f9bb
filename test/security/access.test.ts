import { describe, expect, test } from "bun:test";
import { SignJWT } from "jose";
import { join } from "node:path";
import { PLAYER_ACTIONS_STREAM, RTAPI_STREAM } from "@gamejournal/shared";
import { createAuth } from "../../server/src/auth/auth.ts";
import { freePort, uniqueName, waitFor } from "../harness/index.ts";
import { startTestServer } from "../support/server.ts";

const SECRET = "access-secret-of-at-least-32-characters";
const auth = createAuth(SECRET);
const MAIN = join(import.meta.dir, "..", "..", "server", "src", "main.ts");

async function call(url: string, path: string, token: string | undefined, body?: unknown, method = body === undefined ? "GET" : "POST") {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "Content-Type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
}

const trpc = (url: string, path: string, token: string, input: unknown) => call(url, `/trpc/${path}`, token, input);

describe("access in AUTH_MODE=token", () => {
  test("the built-in workers' consumer groups cannot be read, acked or created through the API, even by an admin", async () => {
    await using server = await startTestServer({ AUTH_MODE: "token", JWT_SECRET: SECRET });
    const admin = await auth.sign("ops", { scopes: ["admin"] });
    for (const group of ["session-events", "match-summaries"]) {
      const read = await trpc(server.url, "journal.groups.read", admin, { stream: RTAPI_STREAM, group, consumer: "thief", count: 10 });
      expect(read.status).toBe(403);
      expect(JSON.stringify(read.body)).toContain("belongs to a built-in worker");
      expect((await trpc(server.url, "journal.groups.ack", admin, { stream: RTAPI_STREAM, group, ids: ["1-0"] })).status).toBe(403);
      expect((await trpc(server.url, "journal.groups.create", admin, { stream: RTAPI_STREAM, group })).status).toBe(403);
      expect((await call(server.url, `/v1/admin/groups/${RTAPI_STREAM}/${group}`, admin, undefined, "DELETE")).status).toBe(403);
    }
    // A group of one's own works.
    expect((await trpc(server.url, "journal.groups.create", admin, { stream: RTAPI_STREAM, group: "mine" })).body).toMatchObject({ result: { data: { created: true } } });
    expect((await call(server.url, `/v1/admin/groups/${RTAPI_STREAM}/mine`, admin, undefined, "DELETE")).body).toEqual({ deleted: true, stream: RTAPI_STREAM, group: "mine" });
  });

  test("idempotency keys are the caller's own: another caller's same key neither pre-empts nor answers it", async () => {
    await using server = await startTestServer({ AUTH_MODE: "token", JWT_SECRET: SECRET });
    const alice = await auth.sign("alice", { scopes: ["ingest"] });
    const mallory = await auth.sign("mallory", { scopes: ["ingest"] });
    const key = uniqueName("key");
    const action = { user_id: "u1", session_id: "s1", match_id: "m1", action: "moved", key };
    const first = await call(server.url, "/v1/journal/player-actions", mallory, action);
    const mine = await call(server.url, "/v1/journal/player-actions", alice, action);
    const again = await call(server.url, "/v1/journal/player-actions", alice, action);
    expect(first.body).toEqual({ ids: [expect.any(String)] });
    expect(mine.body).toEqual({ ids: [expect.any(String)] });
    expect(mine.body!.ids).not.toEqual(first.body!.ids);
    expect(again.body).toEqual({ ids: mine.body!.ids, duplicates: 1 });
    const stored = await server.services.journal.journal.read(PLAYER_ACTIONS_STREAM, { count: 1000 });
    expect(stored.filter((e) => e.key?.endsWith(`/${key}`)).map((e) => e.key)).toEqual([`mallory/${key}`, `alice/${key}`]);
  });

  test("journaling `match-end:<id>` first no longer blocks the authorised end of that match", async () => {
    await using server = await startTestServer({ AUTH_MODE: "token", JWT_SECRET: SECRET });
    const matchId = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b.node-1";
    const mallory = await auth.sign("mallory", { scopes: ["ingest"] });
    const blocker = await trpc(server.url, "journal.appendBatch", mallory, { events: [{ stream: RTAPI_STREAM, type: "telemetry", match_id: matchId, key: `match-end:${matchId}` }] });
    expect(blocker.status).toBe(200);
    const host = await auth.sign("game-host", { scopes: ["ingest"] });
    const end = await trpc(server.url, "matches.end", host, { matchId });
    expect(end.status).toBe(200);
    const ends = (await server.services.journal.journal.read(RTAPI_STREAM, { count: 1000 })).filter((e) => e.type === "match_ended" && e.match_id === matchId);
    expect(ends).toHaveLength(1);
    expect(ends[0]!.key).toBe(`game-host/match-end:${matchId}`);
  });

  test("frames and match ends cannot be appended through the generic journal APIs", async () => {
    await using server = await startTestServer({ AUTH_MODE: "token", JWT_SECRET: SECRET });
    const ingest = await auth.sign("host", { scopes: ["ingest"] });
    for (const type of ["match_ended", "match_end", "frame"]) {
      const batch = await trpc(server.url, "journal.appendBatch", ingest, { events: [{ stream: RTAPI_STREAM, type, match_id: "m" }] });
      expect(batch.status).toBe(400);
      expect(JSON.stringify(batch.body)).toContain("written by the server");
    }
    const action = await call(server.url, "/v1/journal/player-actions", ingest, { user_id: "u", session_id: "s", match_id: "m", action: "match_ended" });
    expect(action.status).toBe(400);
    expect(action.body).toMatchObject({ success: false, field: "action" });
  });

  test("a caller without ingest appends only as itself", async () => {
    await using server = await startTestServer({ AUTH_MODE: "token", JWT_SECRET: SECRET });
    const player = await auth.sign("u-42", { scopes: ["read"] });
    const own = await call(server.url, "/v1/journal/purchases", player, { user_id: "u-42", session_id: "s", purchase: { sku: "gem" } });
    expect(own.status).toBe(200);
    const other = await call(server.url, "/v1/journal/purchases", player, { user_id: "u-43", session_id: "s", purchase: { sku: "gem" } });
    expect(other.status).toBe(403);
    expect(other.body!.error).toContain('must be the credential\'s own subject "u-42"');
  });

  test("tokens without an expiry, or living longer than the maximum, are refused", async () => {
    await using server = await startTestServer({ AUTH_MODE: "token", JWT_SECRET: SECRET, TOKEN_MAX_TTL_SECONDS: "3600" });
    const key = new TextEncoder().encode(SECRET);
    const now = Math.floor(Date.now() / 1000);
    const forever = await new SignJWT({ scope: "read" }).setProtectedHeader({ alg: "HS256" }).setSubject("x").setIssuedAt(now).sign(key);
    const long = await new SignJWT({ scope: "read" }).setProtectedHeader({ alg: "HS256" }).setSubject("x").setIssuedAt(now).setExpirationTime(now + 7200).sign(key);
    expect(await call(server.url, "/v1/matches", forever, undefined)).toMatchObject({ status: 401, body: { error: "token has no expiry (exp)" } });
    expect((await call(server.url, "/v1/matches", long, undefined)).body!.error).toContain("lives longer than the maximum of 3600 seconds");
    const fine = await new SignJWT({ scope: "read" }).setProtectedHeader({ alg: "HS256" }).setSubject("x").setIssuedAt(now).setExpirationTime(now + 600).sign(key);
    expect((await call(server.url, "/v1/matches", fine, undefined)).status).toBe(200);
  });

  test("a WebSocket (/v3/stream, /trpc) closes with 4001 when the token it was opened with expires", async () => {
    await using server = await startTestServer({ AUTH_MODE: "token", JWT_SECRET: SECRET });
    const shortLived = await auth.sign("agent", { scopes: ["ingest", "read"], ttlSeconds: 2 });
    const lasting = await auth.sign("agent", { scopes: ["ingest", "read"], ttlSeconds: 600 });
    const wsUrl = server.url.replace(/^http/, "ws");
    const open = (path: string, token: string) => {
      const ws = new WebSocket(`${wsUrl}${path}?token=${encodeURIComponent(token)}`);
      const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })));
      return { ws, closed };
    };
    const stream = open("/v3/stream", shortLived);
    const trpcSocket = open("/trpc", shortLived);
    const other = open("/v3/stream", lasting);
    const [a, b] = await Promise.all([stream.closed, trpcSocket.closed]);
    expect(a).toEqual({ code: 4001, reason: "token expired; reconnect with a new token" });
    expect(b).toEqual({ code: 4001, reason: "token expired; reconnect with a new token" });
    expect(other.ws.readyState).toBe(WebSocket.OPEN);
    other.ws.close();
  });

  test("`gamejournal key` creates a key shown once, lists it without its secret, and revokes it", async () => {
    await using server = await startTestServer({ AUTH_MODE: "token", JWT_SECRET: SECRET });
    const env = { ...process.env, DATA_DIR: server.dataDir, JWT_SECRET: SECRET, AUTH_MODE: "token" };
    const run = async (...args: string[]) => {
      const proc = Bun.spawn(["bun", MAIN, "key", ...args], { env, stdout: "pipe", stderr: "pipe" });
      const [code, out, err] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
      return { code, out: out.trim(), err };
    };
    const created = await run("create", "--name", "eu game servers", "--scope", "ingest,read");
    expect(created.code).toBe(0);
    expect(created.out).toMatch(/^gjk_[a-z0-9]{12}_[A-Za-z0-9_-]{40,}$/);
    expect(created.err).toContain("not shown again");
    const key = created.out;
    const id = key.slice(4, 16);
    const listed = await run("list");
    expect(listed.out).toContain(id);
    expect(listed.out).toContain("ingest,read");
    expect(listed.out).not.toContain(key.slice(17));
    expect((await call(server.url, "/v1/journal/events:purchases", key, undefined)).status).toBe(200);
    expect((await run("revoke", id)).code).toBe(0);
    expect((await run("revoke", id)).code).toBe(2);
    expect((await run("create", "--name", "bad", "--scope", "root")).code).toBe(2);
    await waitFor("the revocation to reach the server", async () => (await call(server.url, "/v1/journal/events:purchases", key, undefined)).status === 401, { timeoutMs: 10_000, intervalMs: 250 });
  });

  test("the first start in token mode prints an admin token once", async () => {
    const port = freePort();
    const dir = `${(await startTestServer()).dataDir}-first`;
    const start = () =>
      Bun.spawn(["bun", MAIN, "serve"], { env: { ...process.env, SERVER_ADDRESS: `127.0.0.1:${port}`, DATA_DIR: dir, JWT_SECRET: "", AUTH_MODE: "token", LOG_LEVEL: "warn" }, stdout: "ignore", stderr: "pipe" });
    const first = start();
    await waitFor("the server", () => fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok).catch(() => false));
    first.kill("SIGTERM");
    await first.exited;
    const printed = await new Response(first.stderr).text();
    const token = /\n\n(eyJ[^\s]+)\n\n/.exec(printed)?.[1];
    expect(token).toBeDefined();
    const second = start();
    await waitFor("the server again", () => fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok).catch(() => false));
    expect((await call(`http://127.0.0.1:${port}`, "/v1/admin/keys", token, undefined)).status).toBe(200);
    second.kill("SIGTERM");
    await second.exited;
    expect(await new Response(second.stderr).text()).not.toContain("eyJ");
  });
});
