import { describe, expect, test } from "bun:test";
import { JOURNAL_STREAMS } from "@gamejournal/shared";
import { sharedMongo, sharedRedis, uniqueName, waitFor } from "../harness/index.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { fuzzInputs, SEED, type WireBody } from "./fuzz-inputs.ts";

/**
 * The fuzz suite: generated inputs (fuzz-inputs.ts, fast-check, fixed
 * seed, bounded counts) over every REST route, tRPC procedure (HTTP and
 * WebSocket), GraphQL operation and `/v3/stream`, against the real server
 * on both deployments, with an admin token (so every input reaches its
 * handler). For each input:
 * - no 5xx, and the server keeps answering (no crash);
 * - a refused input stores nothing: the journal's appended-events counter
 *   and the server keys do not move;
 * - every 4xx names the field or the limit (a `field`, a setting name, a
 *   `name: problem` message, or the credential, route or content type it
 *   is about).
 * The inputs run twice. After the run, the built-in workers catch up with
 * no dead letter (nothing acknowledged that a store would refuse), and the
 * process's memory is measured before, after one pass and after two
 * (reported, not asserted).
 */

const SECRET = "fuzz-secret-of-at-least-32-characters!";
const PER_CASE = Number(process.env.FUZZ_PER_CASE ?? 32);
const PER_SOCKET = Number(process.env.FUZZ_PER_SOCKET ?? 300);

const BACKENDS: Array<[string, () => Promise<Record<string, string>>]> = [
  ["embedded SQLite", async () => ({})],
  ["Redis + MongoDB protocol (FerretDB)", async () => ({ JOURNAL_REDIS_URI: (await sharedRedis()).url, MONGODB_URI: `${(await sharedMongo()).url}${uniqueName("fuzz")}` })],
];

interface Tally {
  inputs: number;
  ok: number;
  client: number;
  server: string[];
  unnamed: string[];
  storedFromRejected: string[];
}

/**
 * Whether an error message names what was wrong: a field, a limit, or the
 * credential, route or format it is about. A refusal that is not about the
 * input's shape (401, 403, 404, 405, 409: the credential, a missing or busy
 * resource) needs only to say which, in words of its own.
 */
function namesSomething(message: string, field: unknown, status = 400): boolean {
  if (typeof field === "string" && field !== "") return true;
  if (!message || /^(internal error|bad request|invalid input|not found|conflict|forbidden|unauthorized)$/i.test(message.trim())) return false;
  if ([401, 403, 404, 405, 409].includes(status)) return true;
  return (
    /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/.test(message) || // a setting: JSON_MAX_DEPTH
    /(^|[\s\]])[$\w.[\]-]+: /.test(message) || // `lobby_id: must be…`, `[2].user_id: …`
    /"[^"]+"/.test(message) || // a quoted name: Unexpected parameter "a.b"
    /\b(token|scope|credential|route|procedure|Content-Type|header|body|message|batch(ing)?|parameter|variables|stream|group|key|JSON|GraphQL|Syntax Error|Cannot query field|Variable|Unknown|Field|argument|subscription|mutation|query)\b/i.test(message)
  );
}

/** The error(s) of an answer, in whichever shape: REST, tRPC (single or batch), GraphQL, or an SSE error event. */
function errorsOf(text: string): Array<{ message: string; field?: unknown }> {
  const sse = /event: serialized-error\ndata: (.*)\n/.exec(text);
  let body: unknown;
  try {
    body = JSON.parse(sse ? sse[1]! : text);
  } catch {
    return [{ message: "" }];
  }
  const one = (b: any): Array<{ message: string; field?: unknown }> => {
    if (!b || typeof b !== "object") return [];
    if (typeof b.error === "string") return [{ message: b.error, field: b.field }];
    if (b.error && typeof b.error === "object") return [{ message: String(b.error.message ?? ""), field: b.error.data?.field }];
    if (Array.isArray(b.errors)) return b.errors.map((e: any) => ({ message: String(e?.message ?? ""), field: e?.extensions?.field }));
    if (typeof b.message === "string") return [{ message: b.message, field: b.data?.field }];
    return [];
  };
  return Array.isArray(body) ? body.flatMap(one) : one(body);
}

async function appendedTotal(server: TestServer): Promise<number> {
  const metric = server.services.metrics.registry.getSingleMetric("gamejournal_journal_events_appended_total");
  const values = (await metric!.get()).values;
  return values.reduce((n, v) => n + v.value, 0);
}

async function fuzz(server: TestServer, token: string): Promise<Tally> {
  const inputs = fuzzInputs({ perCase: PER_CASE, perSocket: PER_SOCKET });
  const tally: Tally = { inputs: 0, ok: 0, client: 0, server: [], unnamed: [], storedFromRejected: [] };
  const auth = { Authorization: `Bearer ${token}` };
  // Only the key routes can create a key: count the keys around those alone.
  const keys = async (what: string) => (/keys/.test(what) ? (await server.services.access.listKeys()).length : 0);

  /** Sends one HTTP input and checks its answer; `what` names it in failures. */
  async function check(what: string, send: () => Promise<Response>, stream = false): Promise<void> {
    tally.inputs++;
    const [appended, keyCount] = [await appendedTotal(server), await keys(what)];
    const abort = new AbortController();
    let res: Response;
    try {
      res = await send();
    } catch (error) {
      tally.server.push(`${what}: no answer (${String(error)})`);
      return;
    }
    let text = "";
    if (stream && res.status === 200 && res.body) {
      // A subscription: its first event (or error), then hang up.
      const reader = res.body.getReader();
      const deadline = Date.now() + 2_000;
      while (!/\n\n/.test(text.replace(/^(:[^\n]*|event: connected\ndata: [^\n]*)\n\n/gm, "")) && Date.now() < deadline) {
        const next = await Promise.race([reader.read(), Bun.sleep(500).then(() => null)]);
        if (!next || next.done) break;
        text += new TextDecoder().decode(next.value);
      }
      void reader.cancel().catch(() => {});
      abort.abort();
    } else {
      text = await res.text();
    }
    const sseError = stream && /event: serialized-error/.test(text);
    const status = sseError ? Number(/"httpStatus":(\d+)/.exec(text)?.[1] ?? 500) : res.status;
    const graphqlErrors = !stream && res.status === 200 && /^\{"errors":/.test(text);
    if (status >= 500) tally.server.push(`${what}: ${status} ${text.slice(0, 200)}`);
    else if (status >= 400 || graphqlErrors) {
      tally.client++;
      for (const e of errorsOf(text)) if (!namesSomething(e.message, e.field, status)) tally.unnamed.push(`${what}: ${status} ${e.message.slice(0, 160)}`);
      const [after, keysAfter] = [await appendedTotal(server), await keys(what)];
      if (after !== appended || keysAfter !== keyCount) tally.storedFromRejected.push(`${what}: ${status} stored ${after - appended} events, ${keysAfter - keyCount} keys`);
    } else tally.ok++;
  }

  const post = (path: string, body: WireBody | undefined, headers: Record<string, string> = {}, method = "POST") =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { ...auth, ...headers, ...(body && body.contentType ? { "Content-Type": body.contentType } : {}) },
      ...(body ? { body: body.text } : {}),
    });

  for (const input of inputs.rest) {
    await check(`${input.method} ${input.path.slice(0, 80)} ${input.body?.contentType ?? ""} ${input.body?.text.slice(0, 80) ?? ""}`, () =>
      input.method === "GET" ? fetch(`${server.url}${input.path}`, { headers: { ...auth, ...input.headers } }) : post(input.path, input.body, input.headers, input.method),
    );
  }
  for (const input of inputs.procedures) {
    const { path, type } = input.case;
    const what = `${type} ${path} ${input.body.contentType} ${input.body.text.slice(0, 80)}`;
    if (type === "mutation") await check(what, () => post(`/trpc/${path}`, input.body));
    else {
      const url = `${server.url}/trpc/${path}?input=${encodeURIComponent(input.body.text)}`;
      const headers = type === "subscription" ? { ...auth, Accept: "text/event-stream" } : auth;
      await check(what, () => fetch(url, { headers }), type === "subscription");
    }
  }
  for (const [i, input] of inputs.graphql.entries()) {
    const path = ["/graphql", "/v3/graphql", "/v3/query"][i % 3]!;
    await check(`graphql ${input.body.contentType} ${input.body.text.slice(0, 120)}`, () => post(path, input.body, { Accept: "application/json" }));
  }
  await fuzzStream(server, token, inputs.stream, tally);
  await fuzzTrpcSocket(server, token, inputs.trpc, tally);
  return tally;
}

/** Each message on one `/v3/stream` socket: an answer each, in order; refused ones store nothing; the socket stays open. */
async function fuzzStream(server: TestServer, token: string, messages: string[], tally: Tally): Promise<void> {
  let ws = await openSocket(`${server.url.replace(/^http/, "ws")}/v3/stream?token=${token}`);
  for (const message of messages) {
    tally.inputs++;
    const before = await appendedTotal(server);
    ws.socket.send(message);
    const answer = await ws.next(5_000);
    const what = `/v3/stream ${message.slice(0, 100)}`;
    if (answer === undefined) {
      tally.server.push(`${what}: no answer (socket ${ws.closed ? `closed ${ws.closed}` : "open"})`);
      if (ws.closed) ws = await openSocket(`${server.url.replace(/^http/, "ws")}/v3/stream?token=${token}`);
      continue;
    }
    const parsed = JSON.parse(answer) as { success: boolean; error?: string; field?: string };
    if (parsed.success) {
      tally.ok++;
      continue;
    }
    tally.client++;
    if (!namesSomething(parsed.error ?? "", parsed.field)) tally.unnamed.push(`${what}: ${parsed.error}`);
    if ((await appendedTotal(server)) !== before) tally.storedFromRejected.push(`${what}: stored`);
  }
  ws.socket.close();
}

/** Each message on one tRPC socket: an answer to each one with an id; errors name what was wrong; refused ones store nothing. */
async function fuzzTrpcSocket(server: TestServer, token: string, messages: Array<{ id: number | null; text: string }>, tally: Tally): Promise<void> {
  let ws = await openSocket(`${server.url.replace(/^http/, "ws")}/trpc?token=${token}`);
  for (const { id, text } of messages) {
    tally.inputs++;
    const before = await appendedTotal(server);
    ws.socket.send(text);
    const what = `ws /trpc ${text.slice(0, 100)}`;
    let answer: { id?: unknown; result?: unknown; error?: { message: string; data?: { httpStatus?: number; field?: string } } } | undefined;
    for (;;) {
      const raw = await ws.next(5_000);
      if (raw === undefined) break;
      const parsed = JSON.parse(raw);
      if (parsed.id === id || (id === null && parsed.id === null)) {
        answer = parsed;
        break;
      }
    }
    if (!answer) {
      tally.server.push(`${what}: no answer`);
      if (ws.closed) ws = await openSocket(`${server.url.replace(/^http/, "ws")}/trpc?token=${token}`);
      continue;
    }
    if (!answer.error) {
      tally.ok++;
      continue;
    }
    const status = answer.error.data?.httpStatus ?? 500;
    if (status >= 500) {
      tally.server.push(`${what}: ${status} ${answer.error.message}`);
      continue;
    }
    tally.client++;
    if (!namesSomething(answer.error.message, answer.error.data?.field, status)) tally.unnamed.push(`${what}: ${answer.error.message}`);
    if ((await appendedTotal(server)) !== before) tally.storedFromRejected.push(`${what}: stored`);
  }
  ws.socket.close();
}

async function openSocket(url: string): Promise<{ socket: WebSocket; next(timeoutMs: number): Promise<string | undefined>; closed: number | undefined }> {
  const socket = new WebSocket(url);
  const queue: string[] = [];
  const waiters: Array<(message: string | undefined) => void> = [];
  const state = {
    socket,
    closed: undefined as number | undefined,
    next(timeoutMs: number): Promise<string | undefined> {
      if (queue.length > 0) return Promise.resolve(queue.shift());
      if (state.closed !== undefined) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(done), 1);
          resolve(undefined);
        }, timeoutMs);
        const done = (message: string | undefined) => {
          clearTimeout(timer);
          resolve(message);
        };
        waiters.push(done);
      });
    },
  };
  socket.onmessage = (event) => {
    const waiter = waiters.shift();
    if (waiter) waiter(String(event.data));
    else queue.push(String(event.data));
  };
  socket.onclose = (event) => {
    state.closed = event.code;
    for (const waiter of waiters.splice(0)) waiter(undefined);
  };
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = reject;
  });
  return state;
}

/** RSS and JS heap in use, in MiB, after a full collection (this process holds the server and the test). */
function memory(): string {
  Bun.gc(true);
  const { rss, heapUsed } = process.memoryUsage();
  return `RSS ${Math.round(rss / 1024 / 1024)} MiB, heap ${Math.round(heapUsed / 1024 / 1024)} MiB`;
}

function add(into: Tally, from: Tally): void {
  into.inputs += from.inputs;
  into.ok += from.ok;
  into.client += from.client;
  into.server.push(...from.server);
  into.unnamed.push(...from.unnamed);
  into.storedFromRejected.push(...from.storedFromRejected);
}

for (const [backend, envOf] of BACKENDS) {
  describe(`the fuzz suite on ${backend}`, () => {
    test(`no 5xx, no crash, nothing stored from a refused input, every 4xx naming its field or limit (seed ${SEED})`, async () => {
      // Rate limits off: thousands of requests from one credential are the point here.
      await using server = await startTestServer({ AUTH_MODE: "token", JWT_SECRET: SECRET, RATE_LIMIT_INGEST_PER_SECOND: "0", RATE_LIMIT_READ_PER_SECOND: "0", RATE_LIMIT_IP_PER_SECOND: "0", ...(await envOf()) });
      const token = await server.services.auth.sign("fuzz-admin", { scopes: ["admin"] });
      const dlqBefore = await Promise.all(JOURNAL_STREAMS.map(async (s) => (await server.services.journal.journal.info(`${s}:dlq`))?.length ?? 0));
      const memoryBefore = memory();
      const started = performance.now();
      // Two passes of the same inputs: memory that keeps growing on the second is a leak, not a warm-up.
      const tally = await fuzz(server, token);
      const memoryAfterOne = memory();
      add(tally, await fuzz(server, token));
      const seconds = (performance.now() - started) / 1000;
      const memoryAfterTwo = memory();

      // Still serving: no crash.
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      // The workers catch up, and dead-letter nothing: what was acknowledged could be stored.
      await waitFor(
        "the built-in workers caught up",
        async () => {
          const infos = await Promise.all(JOURNAL_STREAMS.map((s) => server.services.journal.journal.info(s)));
          return infos.every((info) => (info?.groups ?? []).every((g) => !["session-events", "match-summaries"].includes(g.name) || (g.pending === 0 && (g.lag ?? 0) === 0)));
        },
        { timeoutMs: 30_000 },
      );
      const dlqAfter = await Promise.all(JOURNAL_STREAMS.map(async (s) => (await server.services.journal.journal.info(`${s}:dlq`))?.length ?? 0));
      console.log(
        `fuzz on ${backend}: ${tally.inputs} inputs in ${seconds.toFixed(1)} s: ${tally.ok} accepted, ${tally.client} 4xx, ${tally.server.length} 5xx, ` +
          `${tally.unnamed.length} 4xx not naming a field or limit, ${tally.storedFromRejected.length} stored from rejected; ` +
          `memory before: ${memoryBefore}; after one pass: ${memoryAfterOne}; after two, workers caught up: ${memory()}`,
      );
      expect(tally.server).toEqual([]);
      expect(tally.storedFromRejected).toEqual([]);
      expect([...new Set(tally.unnamed)].slice(0, 30)).toEqual([]);
      const deadLetters = await Promise.all(
        JOURNAL_STREAMS.map(async (s, i) => (await server.services.journal.journal.read(`${s}:dlq`, { count: 5, after: "0-0" })).slice(dlqBefore[i]).map((e) => JSON.stringify(e.data).slice(0, 600))),
      );
      expect(deadLetters.flat()).toEqual([]);
      expect(dlqAfter).toEqual(dlqBefore);
    }, 120_000);
  });
}
