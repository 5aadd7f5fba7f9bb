import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAuth } from "../../server/src/auth/auth.ts";
import type { Scope } from "../../server/src/platform/auth-user.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { MATRIX_GAME, PROCEDURE_CASES, REST_CASES, type Need, type ProcedureCase, type RestCase } from "./surface.ts";

/**
 * The authorisation matrix, in AUTH_MODE=token: every REST route and tRPC
 * procedure against no credential, an expired token, a forged one, one with
 * `alg: none`, a revoked server key, the wrong scope and the right scope
 * (as a token and as a server key). Public ones answer everything.
 */

const SECRET = "matrix-secret-of-at-least-32-characters";
const auth = createAuth(SECRET);

type Kind = "none" | "expired" | "forged" | "alg-none" | "revoked-key" | "wrong-scope" | "right-scope" | "right-key";
const KINDS: Kind[] = ["none", "expired", "forged", "alg-none", "revoked-key", "wrong-scope", "right-scope", "right-key"];

let server: TestServer;
let adminToken: string;
const keys = new Map<string, string>();
let revokedKey: string;
let seatToken: string;

function rightScopes(need: Need): Scope[] {
  return need === "any" ? ["ingest"] : need === "public" || need === "optional" || need === "credential" ? ["read"] : [need];
}

function wrongScopes(need: Need): Scope[] {
  // `any` routes: a read token acting as another user; others: every scope but the one needed.
  if (need === "any" || need === "ingest" || need === "player") return ["read"];
  if (need === "read") return ["ingest"];
  return ["ingest", "read"];
}

async function credential(kind: Kind, need: Need): Promise<string | undefined> {
  switch (kind) {
    case "none":
      return undefined;
    case "expired":
      return createAuth(SECRET, { clock: { now: () => Date.now() - 3 * 3600_000 } }).sign("matrix", { scopes: rightScopes(need), ttlSeconds: 60 });
    case "forged":
      return createAuth("another-secret-of-at-least-32-chars!").sign("matrix", { scopes: ["admin"] });
    case "alg-none": {
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
      const now = Math.floor(Date.now() / 1000);
      return `${part({ alg: "none", typ: "JWT" })}.${part({ sub: "matrix", scope: "admin", iat: now, exp: now + 600 })}.`;
    }
    case "revoked-key":
      return revokedKey;
    case "wrong-scope":
      return auth.sign("matrix", { scopes: wrongScopes(need) });
    case "right-scope":
      return need === "player" ? seatToken : auth.sign("matrix", { scopes: rightScopes(need) });
    case "right-key":
      // A server key is never a seat: a seat's routes take the seat token.
      return need === "player" ? seatToken : keys.get(rightScopes(need).join(","));
  }
}

/** What the answer must be: public routes always pass; otherwise 401, 403, or access granted. */
function expectation(kind: Kind, need: Need): "granted" | 401 | 403 {
  if (need === "public") return "granted";
  if (need === "optional") return ["none", "wrong-scope", "right-scope", "right-key"].includes(kind) ? "granted" : 401;
  if (need === "credential" && kind === "wrong-scope") return "granted";
  if (kind === "wrong-scope") return 403;
  if (kind === "right-scope" || kind === "right-key") return "granted";
  return 401;
}

async function callRest(c: RestCase, token: string | undefined): Promise<number> {
  const headers: Record<string, string> = { ...c.headers };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (c.body !== undefined) headers["Content-Type"] = "application/json";
  const abort = new AbortController();
  const res = await fetch(`${server.url}${c.path}`, {
    method: c.method,
    headers,
    signal: abort.signal,
    ...(c.body !== undefined ? { body: JSON.stringify(c.body) } : {}),
  });
  if (c.stream && res.status === 200) abort.abort();
  else await res.arrayBuffer();
  return res.status;
}

async function callProcedure(c: ProcedureCase, token: string | undefined): Promise<number> {
  const headers: Record<string, string> = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  const input = c.input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(c.input))}`;
  if (c.type === "mutation") {
    const res = await fetch(`${server.url}/trpc/${c.path}`, { method: "POST", headers: { ...headers, "Content-Type": "application/json" }, body: JSON.stringify(c.input ?? null) });
    await res.arrayBuffer();
    return res.status;
  }
  if (c.type === "query") {
    const res = await fetch(`${server.url}/trpc/${c.path}${input}`, { headers });
    await res.arrayBuffer();
    return res.status;
  }
  // A subscription over SSE: a refused one is an error status, or a stream whose first event is the error.
  const abort = new AbortController();
  const res = await fetch(`${server.url}/trpc/${c.path}${input}`, { headers: { ...headers, Accept: "text/event-stream" }, signal: abort.signal });
  if (res.status !== 200) {
    await res.arrayBuffer();
    return res.status;
  }
  const reader = res.body!.getReader();
  let text = "";
  while (!/\n\n/.test(text.replace(/^:[^\n]*\n\n/gm, ""))) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  abort.abort();
  const error = /event: serialized-error\ndata: (.*)\n/.exec(text);
  return error ? (JSON.parse(error[1]!) as { data: { httpStatus: number } }).data.httpStatus : 200;
}

function verdict(status: number): "granted" | 401 | 403 | number {
  if (status === 401 || status === 403) return status;
  if (status >= 500) return status;
  return "granted";
}

beforeAll(async () => {
  server = await startTestServer({ AUTH_MODE: "token", JWT_SECRET: SECRET });
  adminToken = await auth.sign("matrix-admin", { scopes: ["admin"] });
  for (const scopes of [["ingest"], ["read"], ["admin"]] as Scope[][]) {
    const res = await fetch(`${server.url}/v1/admin/keys`, {
      method: "POST",
      headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({ name: `matrix ${scopes.join(",")}`, scopes }),
    });
    expect(res.status).toBe(201);
    keys.set(scopes.join(","), ((await res.json()) as { key: string }).key);
  }
  const doomed = (await (
    await fetch(`${server.url}/v1/admin/keys`, {
      method: "POST",
      headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "matrix revoked", scopes: ["admin"] }),
    })
  ).json()) as { key: string; info: { id: string } };
  const revoke = await fetch(`${server.url}/v1/admin/keys/${doomed.info.id}`, { method: "DELETE", headers: { Authorization: `Bearer ${adminToken}` } });
  expect(revoke.status).toBe(200);
  revokedKey = doomed.key;
  const ingest = await auth.sign("matrix-host", { scopes: ["ingest"] });
  const created = await fetch(`${server.url}/api/games`, {
    method: "POST",
    headers: { Authorization: `Bearer ${ingest}`, "Content-Type": "application/json" },
    body: JSON.stringify({ gameId: MATRIX_GAME, numPlayers: 2 }),
  });
  expect(created.status).toBe(201);
  const seats: string[] = [];
  for (const name of ["ann", "bob"]) {
    const joined = await fetch(`${server.url}/api/games/${MATRIX_GAME}/join`, {
      method: "POST",
      headers: { Authorization: `Bearer ${ingest}`, "Content-Type": "application/json" },
      body: JSON.stringify({ name }),
    });
    seats.push(((await joined.json()) as { token: string }).token);
  }
  seatToken = seats[0]!;
});

afterAll(async () => {
  await server?.[Symbol.asyncDispose]();
});

describe("the authorisation matrix (AUTH_MODE=token)", () => {
  test("covers every REST route and tRPC procedure the server serves", () => {
    const routes = new Set(server.surface.routes.map((r) => `${r.method} ${r.path}`));
    const covered = new Set(REST_CASES.map((c) => `${c.method} ${c.pattern}`));
    expect([...routes].filter((r) => !covered.has(r))).toEqual([]);
    expect(server.surface.procedures.filter((p) => !PROCEDURE_CASES.some((c) => c.path === p))).toEqual([]);
  });

  test("every REST route answers each credential as its scope says", async () => {
    const table: string[] = [];
    const wrong: string[] = [];
    for (const c of REST_CASES) {
      const row: string[] = [];
      for (const kind of KINDS) {
        const got = verdict(await callRest(c, await credential(kind, c.need)));
        const want = expectation(kind, c.need);
        row.push(String(got));
        if (got !== want) wrong.push(`${c.method} ${c.path} with ${kind}: got ${got}, want ${want}`);
      }
      table.push(`${c.method} ${c.pattern} [${c.need}]: ${row.join(" ")}`);
    }
    if (process.env.PRINT_MATRIX) console.log(`kinds: ${KINDS.join(" ")}\n${table.join("\n")}`);
    expect(wrong).toEqual([]);
  });

  test("every tRPC procedure answers each credential as its scope says", async () => {
    const table: string[] = [];
    const wrong: string[] = [];
    for (const c of PROCEDURE_CASES) {
      const row: string[] = [];
      for (const kind of KINDS) {
        const got = verdict(await callProcedure(c, await credential(kind, c.need)));
        const want = expectation(kind, c.need);
        row.push(String(got));
        if (got !== want) wrong.push(`${c.path} with ${kind}: got ${got}, want ${want}`);
      }
      table.push(`${c.path} [${c.need}]: ${row.join(" ")}`);
    }
    if (process.env.PRINT_MATRIX) console.log(`kinds: ${KINDS.join(" ")}\n${table.join("\n")}`);
    expect(wrong).toEqual([]);
  });

  test("WS /v3/stream refuses the upgrade without a good credential and takes an ingest token or key", async () => {
    for (const kind of KINDS) {
      const token = await credential(kind, "any");
      const res = await fetch(`${server.url}/v3/stream${token ? `?token=${encodeURIComponent(token)}` : ""}`, {
        headers: { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "X-User-ID": "someone-else" },
      });
      const want = expectation(kind, "any");
      expect(`${kind}: ${want === "granted" ? (res.status === 101 ? "granted" : res.status) : res.status}`).toBe(`${kind}: ${want}`);
    }
  });
});
