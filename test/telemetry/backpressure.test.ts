import { describe, expect, test } from "bun:test";
import { closeClient, createClient } from "../../client/src/index.ts";
import { sharedRedis, uniqueName, waitFor } from "../harness/index.ts";
import { startTestServer } from "../support/server.ts";
import { toLobbyStream } from "@gamejournal/shared";
import { stalledHttpSubscriber, stalledSseSubscriber, stalledWebSocketSubscriber } from "../support/stalled-client.ts";

const backends: Array<[string, () => Promise<Record<string, string>>]> = [
  ["embedded SQLite", async () => ({})],
  ["Redis", async () => ({ JOURNAL_REDIS_URI: (await sharedRedis()).url })],
];

function metric(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(name));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
}

for (const [name, env] of backends) {
  describe(`slow subscribers on ${name}`, () => {
    for (const [transport, stall] of [["ws", stalledWebSocketSubscriber], ["sse", stalledSseSubscriber]] as const) {
      test(`a ${transport} subscriber that never reads is disconnected once its buffer is full; others get everything`, async () => {
        await using server = await startTestServer({ ...(await env()), TELEMETRY_SUBSCRIBER_BUFFER: "100" });
        const lobby = uniqueName("lobby");
        const stalled = await stall(server.port, "telemetry.lobby", { lobbyId: lobby });
        await waitFor("the stalled subscriber to be live", async () =>
          metric(await (await fetch(`${server.url}/metrics`)).text(), `gamejournal_telemetry_subscribers{transport="${transport}"}`) === 1,
        );

        const client = createClient({ url: server.url });
        const received: string[] = [];
        const sub = client.telemetry.lobby.subscribe({ lobbyId: lobby }, { onData: ({ id }) => void received.push(id) });
        try {
          await waitFor("the healthy subscriber to be live", async () =>
            metric(await (await fetch(`${server.url}/metrics`)).text(), 'gamejournal_telemetry_subscribers{transport="ws"}') === (transport === "ws" ? 2 : 1),
          );
          // 3,000 events of 4 KiB: far more than socket buffers plus 100 events hold.
          const blob = "x".repeat(4096);
          const sent: string[] = [];
          for (let n = 0; n < 3_000; n++) {
            sent.push((await server.services.telemetry.broadcast(lobby, { n, blob })).id!);
            // The healthy subscriber shares this process: let it read, so only the stalled one falls behind.
            if (n % 10 === 9) await Bun.sleep(1);
          }

          await waitFor("the stalled subscriber to be counted as disconnected", async () =>
            metric(await (await fetch(`${server.url}/metrics`)).text(), `gamejournal_telemetry_slow_consumer_disconnects_total{transport="${transport}"}`) === 1,
          );
          // Its connection is really gone: reading again drains what was sent, then the close arrives.
          await stalled.drainUntilClosed(10_000);
          await waitFor("the healthy subscriber to get everything", () => received.length === 3_000, { timeoutMs: 30_000 });
          expect(received).toEqual(sent);
          const text = await (await fetch(`${server.url}/metrics`)).text();
          expect(metric(text, `gamejournal_telemetry_subscribers{transport="${transport}"}`)).toBe(transport === "ws" ? 1 : 0);
        } finally {
          sub.unsubscribe();
          await closeClient(client);
          stalled.destroy();
        }
      });
    }

    test("a plain SSE subscriber of the lobby's stream that never reads is cut once its buffer is full; others get everything", async () => {
      await using server = await startTestServer({ ...(await env()), TELEMETRY_SUBSCRIBER_BUFFER: "100" });
      const lobby = uniqueName("lobby");
      const stalled = await stalledHttpSubscriber(server.port, `/v1/journal/${encodeURIComponent(toLobbyStream(lobby))}/live`);
      const follow = (name: string) => async () => metric(await (await fetch(`${server.url}/metrics`)).text(), `gamejournal_journal_follow_${name}{transport="sse"}`);
      await waitFor("the stalled subscriber to be live", async () => (await follow("subscribers")()) === 1);
      const client = createClient({ url: server.url });
      const received: string[] = [];
      const sub = client.telemetry.lobby.subscribe({ lobbyId: lobby }, { onData: ({ id }) => void received.push(id) });
      try {
        await waitFor("the healthy subscriber to be live", async () =>
          metric(await (await fetch(`${server.url}/metrics`)).text(), 'gamejournal_telemetry_subscribers{transport="ws"}') === 1,
        );
        const blob = "x".repeat(4096);
        const sent: string[] = [];
        for (let n = 0; n < 3_000; n++) {
          sent.push((await server.services.telemetry.broadcast(lobby, { n, blob })).id!);
          if (n % 10 === 9) await Bun.sleep(1);
        }
        await waitFor("the stalled subscriber to be counted as disconnected", async () => (await follow("slow_consumer_disconnects_total")()) === 1);
        await stalled.drainUntilClosed(10_000);
        await waitFor("the healthy subscriber to get everything", () => received.length === 3_000, { timeoutMs: 30_000 });
        expect(received).toEqual(sent);
        expect(await follow("subscribers")()).toBe(0);
      } finally {
        sub.unsubscribe();
        await closeClient(client);
        stalled.destroy();
      }
    });
  });
}
