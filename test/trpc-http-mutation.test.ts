import { describe, expect, test } from "bun:test";
import { startTestServer } from "./support/server.ts";

/**
 * Single tRPC mutations over HTTP are answered without tRPC's fetch adapter
 * (server/src/trpc/http-mutation.ts). Each case is sent twice: as is, and
 * with a `trpc-accept` header that sends it to the adapter instead; both
 * answers must be the same (status, body, content type, vary), ids aside.
 */
const action = { user_id: "u1", session_id: "s1", match_id: "m1", action: "goal_scored", data: { n: 1 } };

async function call(url: string, body: string, { viaAdapter = false, contentType = "application/json" } = {}) {
  const res = await fetch(url, {
    method: "POST",
    body,
    headers: { "content-type": contentType, ...(viaAdapter ? { "trpc-accept": "application/json" } : {}) },
  });
  const text = await res.text();
  return {
    status: res.status,
    contentType: res.headers.get("content-type"),
    vary: res.headers.get("vary"),
    allow: res.headers.get("allow"),
    // Ids differ between the two calls.
    body: text.replace(/\d{13}-\d+/g, "<id>"),
  };
}

describe("single tRPC mutations over HTTP", () => {
  test("answer exactly what tRPC's fetch adapter answers, for successes and every kind of failure", async () => {
    await using server = await startTestServer({ JOURNAL_MAX_EVENT_BYTES: "2048" });
    const base = `${server.url}/trpc`;
    const cases: Array<[string, string, string?]> = [
      ["journal.playerAction", JSON.stringify(action)],
      ["journal.playerAction?batch=1", JSON.stringify({ 0: action })],
      ["journal.playerAction", JSON.stringify({ ...action, user_id: undefined })],
      ["journal.playerAction?batch=1", JSON.stringify({ 0: { ...action, match_id: "" } })],
      ["journal.playerAction", JSON.stringify({ ...action, data: { blob: "x".repeat(4_000) } })],
      ["journal.playerAction", ""],
      ["journal.playerAction", "{not json"],
      ["journal.playerAction?batch=1", "[1]"],
      ["journal.appendBatch", JSON.stringify({ events: [{ stream: "events:purchases", type: "purchase", data: { sku: "a" } }] })],
      ["journal.appendBatch", JSON.stringify({ events: [{ stream: "events:nope", type: "x" }] })],
      ["journal.playerAction,journal.playerAction?batch=1", JSON.stringify({ 0: action, 1: action })],
      ["system.health", "{}"],
      ["journal.nope", "{}"],
      ["journal.playerAction", JSON.stringify(action), "text/plain"],
    ];
    for (const [path, body, contentType] of cases) {
      const direct = await call(`${base}/${path}`, body, { ...(contentType ? { contentType } : {}) });
      const adapter = await call(`${base}/${path}`, body, { viaAdapter: true, ...(contentType ? { contentType } : {}) });
      expect({ path, sent: body, ...direct }).toEqual({ path, sent: body, ...adapter });
    }
  });

  test("a single mutation is journaled once and answered with its id", async () => {
    await using server = await startTestServer();
    const key = `k-${crypto.randomUUID()}`;
    const post = () =>
      fetch(`${server.url}/trpc/journal.playerAction`, { method: "POST", body: JSON.stringify({ ...action, key }), headers: { "content-type": "application/json" } }).then(
        (r) => r.json() as Promise<{ result: { data: { ids: string[]; duplicates?: number } } }>,
      );
    const first = await post();
    const again = await post();
    expect(first.result.data.ids).toHaveLength(1);
    expect(again.result.data).toEqual({ ids: first.result.data.ids, duplicates: 1 });
    const read = await server.services.journal.journal.read("events:player_actions", { count: 10 });
    expect(read.filter((e) => e.key === key)).toHaveLength(1);
  });
});
