import { describe, expect, test } from "bun:test";
import { uniqueName, waitFor } from "../harness/index.ts";
import { startTestServer } from "../support/server.ts";

/**
 * A caught-up WebSocket subscriber is held by its topic as a plain member
 * (TopicOffer.hold): its feed is gone, so stopping it, closing its socket
 * and counting it must work through the seat alone.
 */
function metric(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(name));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
}

async function rawSocket(url: string) {
  const ws = new WebSocket(`${url.replace(/^http/, "ws")}/trpc`);
  // A data message: result.data is the tracked item {id, data: the lobby event}, whose own data is what was broadcast.
  const messages: Array<{ id: number; result?: { type: string; id?: string; data?: { data?: { data?: { n?: number } } } }; error?: unknown }> = [];
  ws.onmessage = (event) => messages.push(JSON.parse(String(event.data)));
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error("cannot connect"));
  });
  return {
    messages,
    send: (message: unknown) => ws.send(JSON.stringify(message)),
    close: () => ws.close(),
    data: (id: number) => messages.filter((m) => m.id === id && m.result?.type === "data").map((m) => m.result!.data!.data!.data!.n),
  };
}

describe("held WebSocket subscribers", () => {
  test("each of two held subscriptions on one socket gets every event; stopping one answers stopped and ends only it; closing ends the other", async () => {
    await using server = await startTestServer();
    const subscribers = async () => metric(await (await fetch(`${server.url}/metrics`)).text(), 'gamejournal_telemetry_subscribers{transport="ws"}');
    const lobby = uniqueName("lobby");
    const socket = await rawSocket(server.url);
    for (const id of [1, 2]) socket.send({ id, method: "subscription", params: { path: "telemetry.lobby", input: { lobbyId: lobby } } });
    await waitFor("both subscriptions live", async () => (await subscribers()) === 2);
    for (let n = 0; n < 3; n++) await server.services.telemetry.broadcast(lobby, { n });
    await waitFor("three events on each", () => socket.data(1).length === 3 && socket.data(2).length === 3);

    socket.send({ id: 1, method: "subscription.stop" });
    await waitFor("the stop answered", () => socket.messages.some((m) => m.id === 1 && m.result?.type === "stopped"));
    await waitFor("one subscription left", async () => (await subscribers()) === 1);
    await server.services.telemetry.broadcast(lobby, { n: 3 });
    await waitFor("the fourth event on the other", () => socket.data(2).length === 4);
    expect(socket.data(1)).toEqual([0, 1, 2]);
    expect(socket.data(2)).toEqual([0, 1, 2, 3]);

    // The id is free again: a new subscription with it resumes where asked.
    socket.send({ id: 1, method: "subscription", params: { path: "telemetry.lobby", input: { lobbyId: lobby }, lastEventId: "0-0" } });
    await waitFor("the resumed subscription's backlog", () => socket.data(1).length === 7);
    expect(socket.data(1)).toEqual([0, 1, 2, 0, 1, 2, 3]);

    socket.close();
    await waitFor("no subscriber left", async () => (await subscribers()) === 0);
  });
});
