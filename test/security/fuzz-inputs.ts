import fc from "fast-check";
import { PROCEDURE_CASES, REST_CASES, type ProcedureCase, type RestCase } from "./surface.ts";

/**
 * Generated inputs for the fuzz suite, drawn with fast-check from a fixed
 * seed: each route, procedure, GraphQL operation and socket of
 * surface.ts gets its valid example mutated (a field replaced by a hostile
 * value, dropped, or joined by a key MongoDB cannot store), replaced
 * whole, nested past every limit, sent as broken JSON or another content
 * type, with hostile path parameters, query strings and headers.
 */

export const SEED = 1414;

const LOBBY = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

/** Strings that have broken parsers, stores and id formats. */
const hostileString = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom("", " ", "$where", "$gt", "a.b", "\u0000", "a\u0000b", "../../etc/passwd", "0-0", "-", "+", "$", "*", "1732350000000-0", "99999999999999999999-0",
    "__proto__", "constructor", "%00", "%ZZ", "events:purchases", "events:rtapi:dlq", "lobby:{x}:events", "session-events", "match-summaries", LOBBY, `${LOBBY}.node`,
    "null", "true", "{}", "[]", "\"", "\\", "'; DROP TABLE x; --", "<script>", "é€😀", "\u202e", "NaN", "-1", "1e400"),
  fc.string({ minLength: 200, maxLength: 400 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
);

/** Keys MongoDB refuses, prototype keys, and ordinary ones. */
const hostileKey = fc.oneof(fc.constantFrom("$set", "a.b", "\u0000", "", "__proto__", "constructor", "$", ".", "x".repeat(300)), fc.string({ maxLength: 12 }));

/** Nested `depth` deep (arrays or objects). */
function nested(depth: number, object: boolean): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = object ? { a: value } : [value];
  return value;
}

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: fc.constantFrom(null, true, false, -1, 0, 1.5, -0, 2 ** 53, 1e308, -1e308, [], {}) },
  { weight: 1, arbitrary: fc.dictionary(hostileKey, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom(nested(40, false), nested(40, true), nested(120, true)) },
  { weight: 1, arbitrary: fc.array(fc.integer(), { minLength: 1_001, maxLength: 1_100 }) },
);

type Json = Record<string, unknown>;

/** One mutation of `base`: a field replaced, dropped or added, or the whole value replaced, wrapped or kept. */
function mutated(base: unknown): fc.Arbitrary<unknown> {
  const object = base !== null && typeof base === "object" && !Array.isArray(base) ? (base as Json) : undefined;
  const keys = object ? Object.keys(object) : [];
  const options: Array<fc.Arbitrary<unknown>> = [fc.constant(base), hostileValue, fc.constant([]), fc.constant([base, base]), hostileValue.map((v) => [base, v])];
  if (keys.length > 0) {
    options.push(
      fc.tuple(fc.constantFrom(...keys), hostileValue).map(([k, v]) => ({ ...object, [k]: v })),
      fc.tuple(fc.constantFrom(...keys), hostileValue).map(([k, v]) => ({ ...object, [k]: v })),
      fc.constantFrom(...keys).map((k) => Object.fromEntries(Object.entries(object!).filter(([key]) => key !== k))),
      fc.tuple(hostileKey, hostileValue).map(([k, v]) => ({ ...object, [k]: v })),
      // A nested field of the example (e.g. a frame's session) mutated in turn.
      ...keys
        .filter((k) => object![k] !== null && typeof object![k] === "object" && !Array.isArray(object![k]) && Object.keys(object![k] as Json).length > 0)
        .map((k) => fc.tuple(fc.constantFrom(...Object.keys(object![k] as Json)), hostileValue).map(([inner, v]) => ({ ...object, [k]: { ...(object![k] as Json), [inner]: v } }))),
    );
  }
  return fc.oneof(...options);
}

/** How a body goes on the wire: JSON, broken JSON, or JSON under another content type. */
export interface WireBody {
  text: string;
  contentType: string;
}

function wireBody(value: fc.Arbitrary<unknown>): fc.Arbitrary<WireBody> {
  return fc.oneof(
    { weight: 8, arbitrary: value.map((v) => ({ text: JSON.stringify(v) ?? "null", contentType: "application/json" })) },
    { weight: 1, arbitrary: value.map((v) => ({ text: (JSON.stringify(v) ?? "null").slice(0, -1), contentType: "application/json" })) },
    { weight: 1, arbitrary: fc.tuple(value, fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "application/xml", "")).map(([v, type]) => ({ text: JSON.stringify(v) ?? "", contentType: type })) },
    { weight: 1, arbitrary: fc.constantFrom("[".repeat(5_000), "{".repeat(100) + "}".repeat(100), "", "   ", "\u0000", '{"a":1,"a":2}', "1", '"x"').map((text) => ({ text, contentType: "application/json" })) },
  );
}

/** Header values fetch can send: printable ASCII. */
const headerValue = fc.oneof(fc.constantFrom("", " ", "someone-else", "node-1", "x".repeat(300), "$where", "a.b", "../x", "1e400"), fc.string({ maxLength: 20 }).map((s) => s.replace(/[^\x20-\x7e]/g, "")));

const QUERY_PARAMS = ["limit", "after", "from", "to", "count", "cursor", "player", "lobby_id", "lastEventId", "offset", "query", "token"];

export interface RestInput {
  case: RestCase;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: WireBody;
}

function restInputs(c: RestCase): fc.Arbitrary<RestInput> {
  const params = [...c.pattern.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const example = c.path.split("?")[0]!.split("/");
  const pathArb = fc.array(fc.option(hostileString, { nil: undefined }), { minLength: params.length, maxLength: params.length }).map((values) => {
    let i = 0;
    return c.pattern
      .split("/")
      .map((segment, at) => (segment.startsWith(":") ? (values[i++] === undefined ? example[at]! : encodeURIComponent(values[i - 1]!)) : segment))
      .join("/");
  });
  const queryArb = fc.option(fc.dictionary(fc.constantFrom(...QUERY_PARAMS), hostileString.map(encodeURIComponent), { maxKeys: 3 }), { nil: undefined }).map((q) =>
    q === undefined ? (c.path.split("?")[1] ?? "") : Object.entries(q).map(([k, v]) => `${k}=${v}`).join("&"),
  );
  const headersArb = fc.record(Object.fromEntries(Object.keys(c.headers ?? {}).map((h) => [h, fc.option(headerValue, { nil: undefined })]))).map((mutatedHeaders) => {
    const out: Record<string, string> = {};
    for (const [h, v] of Object.entries(c.headers ?? {})) out[h] = (mutatedHeaders as Record<string, string | undefined>)[h] ?? v;
    return out;
  });
  const bodyArb = c.body === undefined ? fc.constant(undefined) : wireBody(mutated(c.body));
  return fc.record({ path: pathArb, query: queryArb, headers: headersArb, body: bodyArb }).map(({ path, query, headers, body }) => ({
    case: c,
    method: c.method,
    path: query ? `${path}?${query}` : path,
    headers,
    ...(body ? { body } : {}),
  }));
}

export interface ProcedureInput {
  case: ProcedureCase;
  /** The input as sent: a JSON text (GET: in `?input=`, POST: the body). */
  body: WireBody;
}

function procedureInputs(c: ProcedureCase): fc.Arbitrary<ProcedureInput> {
  return wireBody(mutated(c.input ?? {})).map((body) => ({ case: c, body }));
}

/** GraphQL operations over every field of the schema, their arguments (as variables) mutated, and documents that are not GraphQL at all. */
const GRAPHQL_OPERATIONS: Array<{ query: string; variables: Json }> = [
  { query: "{ health { status timestamp database } }", variables: {} },
  { query: "query($id: ID!) { lobbySession(id: $id) { lobbySessionId events(limit: 2) { totalCount } } }", variables: { id: LOBBY } },
  { query: "query($id: ID!, $limit: Int, $offset: Int, $after: String) { sessionEvents(lobbySessionId: $id, limit: $limit, offset: $offset, after: $after) { totalCount edges { cursor node { frameData } } } }", variables: { id: LOBBY, limit: 10, offset: 0, after: null } },
  { query: "query($id: ID!) { lobbySubscriptions(lobbyId: $id) { session_id active } }", variables: { id: "l" } },
  { query: "query($id: ID!) { matchSummary(matchId: $id) { match_id players } }", variables: { id: `${LOBBY}.node-1` } },
  { query: "query($p: String, $from: Time, $to: Time, $limit: Int, $cursor: String) { matchSummaries(player: $p, from: $from, to: $to, limit: $limit, cursor: $cursor) { items { match_id } next_cursor } }", variables: { p: "1001", from: null, to: null, limit: 5, cursor: null } },
  { query: "mutation($input: StoreSessionEventInput!) { storeSessionEvent(input: $input) { success error } }", variables: { input: { lobbySessionId: LOBBY, userId: "u", frameData: { frame_index: 1, timestamp: "2025-03-01T12:00:00Z", session: { session_id: LOBBY } } } } },
];

export interface GraphQLInput {
  body: WireBody;
}

const graphqlBodies: fc.Arbitrary<WireBody> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...GRAPHQL_OPERATIONS).chain((op) => wireBody(mutated(op.variables).map((variables) => ({ query: op.query, variables })))) },
  { weight: 1, arbitrary: wireBody(mutated({ query: "{ health { status } }" })) },
  { weight: 1, arbitrary: fc.constantFrom("{ __schema { types { name } } }", "{ nope }", "{ health { status } ".repeat(3), "query { a: health { status } b: health { status } }", "{ sessionEvents(lobbySessionId: 1) { totalCount } }", "subscription { x }", "{".repeat(3_000)).chain((query) => wireBody(fc.constant({ query }))) },
);

/** A message of a `/v3/stream` socket. */
const FRAME = { frame_index: 1, timestamp: "2025-03-01T12:00:00Z", session: { session_id: LOBBY, game_status: "playing" } };
const streamMessages: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: mutated({ frame: FRAME }).map((v) => JSON.stringify(v) ?? "null") },
  { weight: 2, arbitrary: mutated(FRAME).map((v) => JSON.stringify(v) ?? "null") },
  { weight: 1, arbitrary: mutated({ header: { node_id: "n" } }).map((v) => JSON.stringify(v) ?? "null") },
  { weight: 1, arbitrary: fc.constantFrom("", "PING", "[".repeat(5_000), "{", "[]", "null", `[${JSON.stringify({ frame: FRAME })},1]`, JSON.stringify({ frame: { ...FRAME, big: "x".repeat(70_000) } })) },
);

/** A message of a tRPC socket: queries and mutations of every procedure, mutated, and messages that are not tRPC. */
const trpcMessages: fc.Arbitrary<{ id: number | null; text: string }> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(fc.constantFrom(...PROCEDURE_CASES.filter((c) => c.type !== "subscription")), fc.integer({ min: 1, max: 1_000_000 }))
      .chain(([c, id]) => mutated(c.input ?? {}).map((input) => ({ id, text: JSON.stringify({ id, method: c.type, params: { path: c.path, input } }) }))),
  },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 1_000_000 }), hostileValue, hostileString).map(([id, params, method]) => ({ id, text: JSON.stringify({ id, method, params }) })) },
  { weight: 1, arbitrary: fc.constantFrom("{", "[]", "null", "1", "[".repeat(5_000), '{"method":"query"}').map((text) => ({ id: null, text })) },
);

export interface FuzzInputs {
  rest: RestInput[];
  procedures: ProcedureInput[];
  graphql: GraphQLInput[];
  stream: string[];
  trpc: Array<{ id: number | null; text: string }>;
}

/** The inputs of one run: `perCase` for each REST route and procedure, `perSocket` messages for each socket and GraphQL. */
export function fuzzInputs({ perCase, perSocket, seed = SEED }: { perCase: number; perSocket: number; seed?: number }): FuzzInputs {
  let n = 0;
  const sample = <T>(arb: fc.Arbitrary<T>, count: number) => fc.sample(arb, { seed: seed + n++, numRuns: count });
  return {
    rest: REST_CASES.filter((c) => !c.stream).flatMap((c) => sample(restInputs(c), perCase)),
    procedures: PROCEDURE_CASES.flatMap((c) => sample(procedureInputs(c), c.type === "subscription" ? Math.ceil(perCase / 3) : perCase)),
    graphql: sample(graphqlBodies.map((body) => ({ body })), perSocket),
    stream: sample(streamMessages, perSocket),
    trpc: sample(trpcMessages, perSocket),
  };
}
