import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { CommandReply, GameEventRecord, GameSocketMessage, GameView } from "@gamejournal/shared";
import { closeClient, createClient } from "../../client/src/index.ts";
import { stateFromView } from "../../server/src/games/bot/view-state.ts";
import { legalCommands, randomCommand, seededRandom } from "../../server/src/games/rules/index.ts";
import { sharedMongo, sharedRedis, uniqueName } from "../harness/index.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { eventIds, expectNoLeaks, openGameSocket, rest, startGame, subscribeGame } from "./clients.ts";

/**
 * Two server instances on one Redis and one MongoDB (FerretDB) database,
 * sharing the JWT secret, as two stateless `serve` processes would: a game
 * is served by both at once.
 */
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  const env = {
    JOURNAL_REDIS_URI: (await sharedRedis()).url,
    MONGODB_URI: (await sharedMongo()).url,
    MONGODB_DATABASE: uniqueName("instances"),
    JWT_SECRET: "two-instances-share-this-secret-0123456789",
    GAME_POINT_CARDS_TO_END: "3",
  };
  [a, b] = await Promise.all([startTestServer(env), startTestServer(env)]);
});

afterAll(async () => {
  await Promise.all([a?.[Symbol.asyncDispose](), b?.[Symbol.asyncDispose]()]);
});

/** Plays `count` commands, reading each view and sending each command through `via` (alternating when it is an array). */
async function advance(gameId: string, tokens: Map<number, string>, count: number, via: TestServer[], random = seededRandom(gameId)): Promise<number> {
  let version = 0;
  for (let i = 0; i < count; i++) {
    const server = via[i % via.length]!;
    const open = (await rest(server.url, "GET", `/api/games/${gameId}`)).body as GameView;
    if (open.status !== "playing") throw new Error(`${gameId} is ${open.status} after ${i} of ${count} commands`);
    const seat = open.currentPlayer!;
    const view = (await rest(server.url, "GET", `/api/games/${gameId}`, undefined, tokens.get(seat))).body as GameView;
    const command = randomCommand(stateFromView(view), seat, random)!;
    const reply = await rest(server.url, "POST", `/api/games/${gameId}/commands`, command, tokens.get(seat));
    expect(reply.body.success).toBe(true);
    version = reply.body.version;
  }
  return version;
}

describe("two instances serving one game", () => {
  test("commands sent to both at once: exactly one is appended per version, the log stays gapless, both agree", async () => {
    const tokens = await startGame(a.url, "race", 3);
    const random = seededRandom("race");
    const accepted: Array<CommandReply & { success: true }> = [];
    for (let step = 0; step < 25; step++) {
      const view = (await rest(b.url, "GET", "/api/games/race")).body as GameView;
      if (view.status !== "playing") break;
      const seat = view.currentPlayer!;
      const mine = (await rest(a.url, "GET", "/api/games/race", undefined, tokens.get(seat))).body as GameView;
      const options = legalCommands(stateFromView(mine), seat);
      // Four different legal commands of the player to move, two to each instance, all at once.
      const replies = await Promise.all(
        [0, 1, 2, 3].map((i) => {
          const command = { ...options[Math.floor(random() * options.length)]!, commandId: `race-${step}-${i}` };
          return rest(i % 2 ? a.url : b.url, "POST", "/api/games/race/commands", command, tokens.get(seat));
        }),
      );
      const wins = replies.filter((r) => r.body.success);
      expect(wins).toHaveLength(1);
      for (const lost of replies.filter((r) => !r.body.success)) expect(["NOT_YOUR_TURN", "MUST_DISCARD", "NO_DISCARD_NEEDED", "ACTION_REQUIRED"]).toContain(lost.body.code);
      accepted.push(wins[0]!.body);
    }
    const log = (await rest(a.url, "GET", "/api/games/race/events?limit=1000")).body.events as GameEventRecord[];
    expect(log.map((e) => e.eventId)).toEqual(log.map((_, i) => i + 1));
    // The winners' events, in order, are exactly the log after the lobby (created, three joins, started).
    expect(accepted.flatMap((r) => r.events.map((e) => e.eventId))).toEqual(log.slice(5).map((e) => e.eventId));
    const [viewA, viewB] = await Promise.all([rest(a.url, "GET", "/api/games/race"), rest(b.url, "GET", "/api/games/race")]);
    expect(viewA.body).toEqual(viewB.body);
    expect(viewA.body.version).toBe(log.length);
    // The instances did race: appends lost the compare-and-set and were decided again.
    const conflicts = async (s: TestServer) => Number(/^gamejournal_game_command_conflicts_total (\d+)/m.exec(await (await fetch(`${s.url}/metrics`)).text())?.[1] ?? 0);
    expect((await conflicts(a)) + (await conflicts(b))).toBeGreaterThan(0);
  });

  test("a typed client that drops resumes with its lastEventId, on the same instance and on the other: the missed events, then live ones, no gap, no duplicate", async () => {
    const tokens = await startGame(a.url, "resume-trpc", 2, "resume-trpc-seed");
    const random = seededRandom("resume-trpc");
    const onA = createClient({ url: a.url, token: tokens.get(1)! });
    const onB = createClient({ url: b.url, token: tokens.get(1)! });
    try {
      const first = subscribeGame(onA, { gameId: "resume-trpc" });
      await first.until("the state", (item) => item.data.type === "state");
      expect(first.items[0]!.id).toBe("4");
      // Appended through B, delivered live to A's subscriber.
      let version = await advance("resume-trpc", tokens, 2, [b], random);
      await first.until(`event ${version}`, (item) => item.id === String(version));
      first.unsubscribe();
      const dropped = Number(first.items.at(-1)!.id);

      // Missed while away, then back on the same instance.
      version = await advance("resume-trpc", tokens, 2, [a, b], random);
      const again = subscribeGame(onA, { gameId: "resume-trpc", lastEventId: String(dropped) });
      await again.until(`event ${version}`, (item) => item.id === String(version));
      version = await advance("resume-trpc", tokens, 1, [b], random);
      await again.until(`live event ${version}`, (item) => item.id === String(version));
      again.unsubscribe();
      const second = Number(again.items.at(-1)!.id);

      // Missed again, then to the other instance.
      version = await advance("resume-trpc", tokens, 2, [a], random);
      const other = subscribeGame(onB, { gameId: "resume-trpc", lastEventId: String(second) });
      await other.until(`event ${version}`, (item) => item.id === String(version));
      version = await advance("resume-trpc", tokens, 2, [a, b], random);
      await other.until(`live event ${version}`, (item) => item.id === String(version));
      other.unsubscribe();

      const received = [...first.items, ...again.items, ...other.items];
      expect(received.slice(1).map((item) => Number(item.id))).toEqual(Array.from({ length: version - 4 }, (_, i) => i + 5));
      expect(received.slice(1).every((item) => item.data.type === "event")).toBe(true);
      const history = (await rest(b.url, "GET", "/api/games/resume-trpc/events?limit=1000", undefined, tokens.get(1))).body.events;
      expect(received.slice(1).map((item) => (item.data as { event: unknown }).event)).toEqual(history.slice(4));
      expectNoLeaks(received, 1, "resume-trpc-seed");
    } finally {
      await Promise.all([closeClient(onA), closeClient(onB)]);
    }
  });

  test("a /ws client that drops resumes with lastEventId on the same instance and on the other: replay_start, the missed events, replay_complete, then live ones", async () => {
    const tokens = await startGame(a.url, "resume-ws", 2, "resume-ws-seed");
    const random = seededRandom("resume-ws");
    const first = await openGameSocket(a.url, { gameId: "resume-ws", token: tokens.get(2)! });
    await first.until("the state", (m) => m.type === "state");
    let version = await advance("resume-ws", tokens, 2, [b], random);
    await first.until(`event ${version}`, (m) => m.type === "event" && m.event.eventId === version);
    await first.close();
    const dropped = eventIds(first.messages).at(-1)!;

    version = await advance("resume-ws", tokens, 2, [a, b], random);
    const again = await openGameSocket(a.url, { gameId: "resume-ws", token: tokens.get(2)!, lastEventId: dropped });
    await again.until(`event ${version}`, (m) => m.type === "event" && m.event.eventId === version);
    version = await advance("resume-ws", tokens, 1, [b], random);
    await again.until(`live event ${version}`, (m) => m.type === "event" && m.event.eventId === version);
    await again.close();
    const second = eventIds(again.messages).at(-1)!;

    version = await advance("resume-ws", tokens, 2, [a], random);
    const other = await openGameSocket(b.url, { gameId: "resume-ws", token: tokens.get(2)!, tokenIn: "header", lastEventId: second });
    await other.until(`event ${version}`, (m) => m.type === "event" && m.event.eventId === version);
    version = await advance("resume-ws", tokens, 2, [a, b], random);
    await other.until(`live event ${version}`, (m) => m.type === "event" && m.event.eventId === version);
    await other.close();

    expect(first.messages[0]).toMatchObject({ type: "state", lastEventId: 4 });
    for (const [socket, after] of [[again, dropped], [other, second]] as const) {
      const kinds = socket.messages.map((m) => m.type);
      expect(socket.messages[0]).toEqual({ type: "replay_start", gameId: "resume-ws", after });
      const complete = kinds.indexOf("replay_complete");
      expect(complete).toBeGreaterThan(0);
      expect(kinds.filter((k) => k !== "event")).toEqual(["replay_start", "replay_complete"]);
      expect((socket.messages[complete] as Extract<GameSocketMessage, { type: "replay_complete" }>).lastEventId).toBe(eventIds(socket.messages.slice(0, complete)).at(-1) ?? after);
    }
    const received = [...first.messages, ...again.messages, ...other.messages];
    expect(eventIds(received)).toEqual(Array.from({ length: version - 4 }, (_, i) => i + 5));
    expectNoLeaks(received, 2, "resume-ws-seed");
  });
});
