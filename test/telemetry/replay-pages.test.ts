import { describe, expect, test } from "bun:test";
import { closeClient, createClient } from "../../client/src/index.ts";
import { uniqueName, waitFor } from "../harness/index.ts";
import { startTestServer } from "../support/server.ts";

/**
 * Replay in pages over WebSocket: a client that connects with `?pages=1`
 * gets a page of backlog as one JSON-RPC batch message; others get one
 * message per event; the typed client asks for pages and its consumer sees
 * every event once, in order, as before.
 */
async function rawMessages(url: string, query: string, lobbyId: string) {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/trpc${query}`);
  const frames: string[] = [];
  ws.onmessage = (event) => frames.push(String(event.data));
  await new Promise<void>((resolve) => (ws.onopen = () => resolve()));
  ws.send(JSON.stringify({ id: 7, method: "subscription", params: { path: "telemetry.lobby", input: { lobbyId, lastEventId: "0-0" } } }));
  return { frames, close: () => ws.close() };
}

describe("replay in pages over WebSocket", () => {
  test("with ?pages=1 a page of backlog is one batch message of the usual data messages; without, one message per event", async () => {
    await using server = await startTestServer();
    const lobby = uniqueName("lobby");
    const ids: string[] = [];
    for (let n = 0; n < 1_500; n++) ids.push((await server.services.telemetry.broadcast(lobby, { n })).id!);

    const single = await rawMessages(server.url, "", lobby);
    const paged = await rawMessages(server.url, "?pages=1", lobby);
    try {
      const dataOf = (frames: string[]) =>
        frames.flatMap((f) => (f.startsWith("[") ? (JSON.parse(f) as unknown[]) : [JSON.parse(f)])).filter((m) => (m as { result?: { type: string } }).result?.type === "data");
      await waitFor("every event on both", () => dataOf(single.frames).length === 1_500 && dataOf(paged.frames).length === 1_500);
      expect(single.frames.some((f) => f.startsWith("["))).toBe(false);
      // 1,000 a page: the first page is one message.
      expect(paged.frames.filter((f) => f.startsWith("[")).map((f) => (JSON.parse(f) as unknown[]).length)).toEqual([1_000, 500]);
      expect(dataOf(paged.frames)).toEqual(dataOf(single.frames));
      expect(dataOf(paged.frames).map((m) => (m as { id: number; result: { id: string } }).result.id)).toEqual(ids);
    } finally {
      single.close();
      paged.close();
    }
  });

  test("the typed client replays a long stream through pages and then follows live, each event once and in order", async () => {
    await using server = await startTestServer();
    const lobby = uniqueName("lobby");
    const sent: string[] = [];
    for (let n = 0; n < 2_500; n++) sent.push((await server.services.telemetry.broadcast(lobby, { n })).id!);
    const client = createClient({ url: server.url });
    const received: Array<{ id: string; n: number }> = [];
    const sub = client.telemetry.lobby.subscribe(
      { lobbyId: lobby, lastEventId: "0-0" },
      { onData: ({ id, data }) => void received.push({ id, n: ((data as { data: { n: number } }).data ?? { n: -1 }).n }) },
    );
    try {
      await waitFor("the backlog", () => received.length === 2_500);
      for (let n = 2_500; n < 2_510; n++) sent.push((await server.services.telemetry.broadcast(lobby, { n })).id!);
      await waitFor("the live events", () => received.length === 2_510);
      expect(received.map((r) => r.id)).toEqual(sent);
      expect(received.map((r) => r.n)).toEqual(Array.from({ length: 2_510 }, (_, n) => n));
    } finally {
      sub.unsubscribe();
      await closeClient(client);
    }
  });
});
