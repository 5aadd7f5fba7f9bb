import { describe, expect, test } from "bun:test";
import type { GameEventRecord, GameFeedItem, GameSocketMessage, GameView } from "@gamejournal/shared";
import { closeClient, createClient } from "../../client/src/index.ts";
import { stateFromView } from "../../server/src/games/bot/view-state.ts";
import { randomCommand, seededRandom } from "../../server/src/games/rules/index.ts";
import { startTestServer } from "../support/server.ts";
import { attemptGameUpgrade, eventIds, expectNoLeaks, openGameSocket, rest, startGame, subscribeGame } from "./clients.ts";

describe("the game rooms' REST API", () => {
  test("creates, joins, shows, plays and reads back a game with the seed's shapes and statuses", async () => {
    await using server = await startTestServer();
    const url = server.url;
    expect(await rest(url, "POST", "/api/games", { gameId: "test-game-1", numPlayers: 2 })).toEqual({ status: 201, body: { success: true, gameId: "test-game-1" } });
    expect(await rest(url, "POST", "/api/games", { gameId: "test-game-1", numPlayers: 2 })).toMatchObject({ status: 409, body: { success: false, code: "GAME_EXISTS" } });
    const bad = await rest(url, "POST", "/api/games", { numPlayers: 9 });
    expect(bad).toMatchObject({ status: 400, body: { success: false, code: "INVALID_PLAYER_COUNT", field: "numPlayers" } });
    expect(bad.body.error).toContain("numPlayers");
    expect(await rest(url, "POST", "/api/games", "{not json")).toMatchObject({ status: 400, body: { success: false, code: "VALIDATION" } });

    const ann = await rest(url, "POST", "/api/games/test-game-1/join", { name: "ann" });
    expect(ann).toMatchObject({ status: 200, body: { success: true, gameId: "test-game-1", playerId: 1 } });
    expect(ann.body.token).toMatch(/^ey[\w-]+\.[\w-]+\.[\w-]+$/);
    const waiting = await rest(url, "GET", "/api/games/test-game-1");
    expect(waiting.body).toMatchObject({ gameId: "test-game-1", status: "waiting", version: 2, round: 0, currentPlayer: null });
    const bob = await rest(url, "POST", "/api/games/test-game-1/join", { name: "bob" });
    expect(await rest(url, "POST", "/api/games/test-game-1/join", { name: "cy" })).toMatchObject({ status: 409, body: { code: "GAME_FULL" } });
    expect(await rest(url, "POST", "/api/games/nowhere/join", { name: "cy" })).toMatchObject({ status: 404, body: { code: "GAME_NOT_FOUND" } });

    // The public view and each player's: a hand only in one's own seat, cards as objects.
    const open = (await rest(url, "GET", "/api/games/test-game-1")).body as GameView;
    expect(open).toMatchObject({ status: "playing", round: 1, currentPlayer: 1, version: 4 });
    expect(open.players.map((p) => [p.playerId, p.name, p.hand, p.handCount])).toEqual([
      [1, "ann", undefined, 2],
      [2, "bob", undefined, 2],
    ]);
    expect(open.players[0]!.caravan).toEqual({ yellow: 3, red: 0, green: 0, brown: 0 });
    expect(open.merchants).toHaveLength(6);
    expect(open.pointRow[0]).toMatchObject({ coin: "gold", card: { id: expect.any(String), points: expect.any(Number), cost: expect.any(Object) } });
    const annView = (await rest(url, "GET", "/api/games/test-game-1", undefined, ann.body.token)).body as GameView;
    expect(annView.players[0]!.hand!.map((c) => c.kind).sort()).toEqual(["spice", "upgrade"]);
    expect(annView.players[1]!.hand).toBeUndefined();
    expect(await rest(url, "GET", "/api/games/test-game-1?token=garbage")).toMatchObject({ status: 401, body: { code: "UNAUTHENTICATED" } });
    expect(await rest(url, "GET", "/api/games/nowhere")).toMatchObject({ status: 404, body: { success: false, code: "GAME_NOT_FOUND" } });

    // Commands: a token is required; refusals carry a code and append nothing; an accepted one answers its events.
    const play = (body: unknown, token?: string) => rest(url, "POST", "/api/games/test-game-1/commands", body, token);
    expect(await play({ commandId: "c0", type: "rest" })).toMatchObject({ status: 401, body: { success: false, code: "UNAUTHENTICATED" } });
    expect(await play({ commandId: "c1", type: "rest" }, bob.body.token)).toMatchObject({ status: 409, body: { success: false, code: "NOT_YOUR_TURN" } });
    expect(await play({ commandId: "c2", type: "playCard", cardId: "M99" }, ann.body.token)).toMatchObject({ status: 422, body: { code: "INVALID_CARD" } });
    expect(await play({ commandId: "c3", type: "claim", index: 0 }, ann.body.token)).toMatchObject({ status: 422, body: { code: "INSUFFICIENT_SPICES" } });
    expect(await play({ commandId: "c4", type: "fly" }, ann.body.token)).toMatchObject({ status: 400, body: { code: "INVALID_COMMAND" } });
    expect(await play({ commandId: "c5", type: "endTurn" }, ann.body.token)).toMatchObject({ status: 409, body: { code: "ACTION_REQUIRED" } });
    expect((await rest(url, "GET", "/api/games/test-game-1")).body.version).toBe(4);
    const yy = annView.players[0]!.hand!.find((c) => c.kind === "spice")!;
    const played = await play({ commandId: "c6", type: "playCard", cardId: yy.id }, ann.body.token);
    expect(played).toMatchObject({ status: 200, body: { success: true, version: 6 } });
    expect(played.body.events.map((e: { eventId: number; type: string }) => [e.eventId, e.type])).toEqual([
      [5, "CardPlayed"],
      [6, "TurnEnded"],
    ]);
    expect(played.body.events[0]).toMatchObject({ playerId: 1, timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), data: { caravan: { yellow: 5 } } });
    expect(await play({ commandId: "c6", type: "playCard", cardId: yy.id }, ann.body.token)).toEqual({ status: 200, body: { ...played.body, duplicate: true } });

    // The log read back, filtered for each reader, in pages.
    const page = await rest(url, "GET", "/api/games/test-game-1/events?after=2&limit=2", undefined, bob.body.token);
    expect(page).toMatchObject({ status: 200, body: { gameId: "test-game-1", lastEventId: 4 } });
    expect(page.body.events.map((e: { eventId: number; type: string }) => [e.eventId, e.type])).toEqual([
      [3, "PlayerJoined"],
      [4, "GameStarted"],
    ]);
    expectNoLeaks(page.body, 2, "seed");
    expect(page.body.events[1].data.seats[1].hand).toHaveLength(2);
    expect((await rest(url, "GET", "/api/games/test-game-1/events?after=6")).body).toEqual({ gameId: "test-game-1", events: [], lastEventId: 6 });
    expect(await rest(url, "GET", "/api/games/test-game-1/events?limit=0")).toMatchObject({ status: 400, body: { code: "VALIDATION", field: "limit" } });

    const listed = await rest(url, "GET", "/api/games?status=playing");
    expect(listed.body.games).toEqual([
      { gameId: "test-game-1", status: "playing", numPlayers: 2, players: [{ playerId: 1, name: "ann" }, { playerId: 2, name: "bob" }], version: 6, createdAt: expect.any(String), updatedAt: expect.any(String) },
    ]);

    // Replay is an operation: a valid token, then the report.
    expect(await rest(url, "POST", "/api/games/test-game-1/replay")).toMatchObject({ status: 401 });
    const replayed = await rest(url, "POST", "/api/games/test-game-1/replay", undefined, ann.body.token);
    expect(replayed).toMatchObject({ status: 200, body: { gameId: "test-game-1", version: 6, events: 6, status: "playing", snapshot: null, digest: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(await rest(url, "POST", "/api/games/test-game-1/leave", undefined, bob.body.token)).toMatchObject({ status: 200, body: { success: true } });
    expect((await rest(url, "GET", "/api/games/test-game-1")).body).toMatchObject({ status: "finished", winner: 1 });

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^gamejournal_games_open 0$/m);
    expect(metrics).toMatch(/^gamejournal_game_commands_total\{type="playCard",result="accepted"\} 1$/m);
    expect(metrics).toMatch(/^gamejournal_game_commands_total\{type="playCard",result="duplicate"\} 1$/m);
    expect(metrics).toMatch(/^gamejournal_game_command_rejections_total\{code="NOT_YOUR_TURN"\} 1$/m);
    expect(metrics).toMatch(/^gamejournal_game_command_duration_seconds_count\{type="playCard"\} \d+$/m);
    expect(metrics).toMatch(/^gamejournal_game_replay_events_total 6$/m);
    expect(metrics).toMatch(/^gamejournal_game_replay_events_per_second \d/m);
  });
});

describe("the game socket /ws", () => {
  test("refuses a missing or unknown game and a bad token before upgrading", async () => {
    await using server = await startTestServer();
    await startGame(server.url, "g", 2);
    expect(await attemptGameUpgrade(server.url, { gameId: "" })).toMatchObject({ status: 400, body: { success: false } });
    expect(await attemptGameUpgrade(server.url, { gameId: "nowhere" })).toMatchObject({ status: 404, body: { code: "GAME_NOT_FOUND" } });
    expect(await attemptGameUpgrade(server.url, { gameId: "g", token: "garbage" })).toMatchObject({ status: 401, body: { code: "UNAUTHENTICATED" } });
    expect(await attemptGameUpgrade(server.url, { gameId: "g", token: "garbage", tokenIn: "header" })).toMatchObject({ status: 401 });
    expect(await attemptGameUpgrade(server.url, { gameId: "g", lastEventId: -1 })).toMatchObject({ status: 400 });
    expect(await attemptGameUpgrade(server.url, { gameId: "g", lastEventId: 5 })).toMatchObject({ status: 400, body: { error: expect.stringContaining("beyond") } });
    expect((await attemptGameUpgrade(server.url, { gameId: "g", lastEventId: 4 })).status).toBe(101);
    expect((await attemptGameUpgrade(server.url, { gameId: "g" })).status).toBe(101);
  });

  test("sends the state, then each event; answers commands in order with their commandId; a spectator may only watch", async () => {
    await using server = await startTestServer();
    const tokens = await startGame(server.url, "g", 2, "the-secret-seed");
    await using watcher = await openGameSocket(server.url, { gameId: "g" });
    await using ann = await openGameSocket(server.url, { gameId: "g", token: tokens.get(1)!, tokenIn: "header" });
    const first = (await ann.until("the state", (m) => m.type === "state")) as Extract<GameSocketMessage, { type: "state" }>;
    expect(first).toMatchObject({ type: "state", gameId: "g", lastEventId: 4, state: { status: "playing", currentPlayer: 1 } });
    expect(first.state.players[0]!.hand).toHaveLength(2);
    ann.send({ type: "ping" });
    ann.send("{nope");
    const hand = first.state.players[0]!.hand!;
    const upgrade = hand.find((c) => c.kind === "upgrade")!;
    ann.send({ commandId: "u1", type: "playCard", cardId: upgrade.id, upgrades: ["brown"] });
    ann.send({ commandId: "u2", type: "playCard", cardId: upgrade.id, upgrades: ["yellow", "yellow"] });
    await ann.until("the second answer", (m) => m.type === "command_result" && m.commandId === "u2");
    const answers = ann.messages.filter((m) => m.type !== "state" && m.type !== "event");
    expect(answers).toEqual([
      { type: "pong" },
      { type: "error", error: expect.any(String), code: "INVALID_COMMAND" },
      { type: "command_result", commandId: "u1", success: false, error: expect.any(String), code: "INVALID_UPGRADE", field: "upgrades" },
      { type: "command_result", commandId: "u2", success: true, gameId: "g", version: 6, events: expect.any(Array) },
    ]);
    await watcher.until("event 6", (m) => m.type === "event" && m.event.eventId === 6);
    await ann.until("event 6", (m) => m.type === "event" && m.event.eventId === 6);
    expect(eventIds(watcher.messages)).toEqual([5, 6]);
    expect(eventIds(ann.messages)).toEqual([5, 6]);
    watcher.send({ commandId: "w1", type: "rest" });
    expect(await watcher.until("the refusal", (m) => m.type === "command_result")).toMatchObject({ success: false, code: "NOT_A_PLAYER", commandId: "w1" });
    expectNoLeaks(watcher.messages, null, "the-secret-seed");
    expectNoLeaks(ann.messages, 1, "the-secret-seed");
  });
});

describe("the typed client", () => {
  test("plays a whole game end to end, and no player's state, history or live feed reveals a secret", async () => {
    await using server = await startTestServer();
    const anonymous = createClient({ url: server.url });
    const seed = "typed-client-secret-seed";
    expect(await anonymous.games.create.mutate({ gameId: "typed", numPlayers: 3, seed })).toEqual({ success: true, gameId: "typed" });
    const players = new Map<number, ReturnType<typeof createClient>>();
    for (const name of ["ann", "bob", "cy"]) {
      const joined = await anonymous.games.join.mutate({ gameId: "typed", name });
      if (!joined.success) throw new Error(joined.code);
      players.set(joined.playerId, createClient({ url: server.url, token: joined.token }));
    }
    const feeds = new Map([...players].map(([seat, client]) => [seat, subscribeGame(client, { gameId: "typed" })]));
    const spectator = subscribeGame(anonymous, { gameId: "typed" });
    for (const feed of [...feeds.values(), spectator]) await feed.until("the state", (item) => item.data.type === "state");
    const seen = new Map<number, unknown[]>([...players.keys()].map((seat) => [seat, []]));
    const random = seededRandom("typed");
    try {
      let seat = 1;
      for (let turn = 0; ; turn++) {
        if (turn > 3_000) throw new Error("the game did not end");
        const view = await players.get(seat)!.games.state.query({ gameId: "typed" });
        seen.get(seat)!.push(view);
        if (view.status === "finished") break;
        if (view.currentPlayer !== seat) {
          seat = view.currentPlayer!;
          continue;
        }
        const command = randomCommand(stateFromView(view), seat, random)!;
        const reply = await players.get(seat)!.games.command.mutate({ gameId: "typed", command });
        if (!reply.success) throw new Error(`${command.type}: ${reply.code}: ${reply.error}`);
        seen.get(seat)!.push(reply);
      }
      const final = await anonymous.games.state.query({ gameId: "typed" });
      expect(final.status).toBe("finished");
      expect(final.players.every((p) => typeof p.score === "number")).toBe(true);
      for (const [viewer, feed] of [...feeds, [null, spectator] as const]) {
        await feed.until(`event ${final.version}`, (item) => item.data.type === "event" && item.data.event.eventId === final.version);
        // Created, three joins, started: the state at version 5, then every event after it.
        expect(feed.items[0]!).toMatchObject({ id: "5", data: { type: "state", gameId: "typed" } });
        expect(feed.items.slice(1).map((item) => item.id)).toEqual(Array.from({ length: final.version - 5 }, (_, i) => String(i + 6)));
        const history = viewer === null ? await anonymous.games.history.query({ gameId: "typed", limit: 1000 }) : await players.get(viewer)!.games.history.query({ gameId: "typed", limit: 1000 });
        expect(history.events.map((e) => e.eventId)).toEqual(Array.from({ length: final.version }, (_, i) => i + 1));
        // The live feed and the log read back agree, event for event.
        expect(feed.items.slice(1).map((item) => (item.data as Extract<GameFeedItem, { type: "event" }>).event)).toEqual(history.events.slice(5) as GameEventRecord[]);
        expectNoLeaks([feed.items, history, viewer === null ? [] : seen.get(viewer)], viewer, seed);
      }
    } finally {
      for (const feed of [...feeds.values(), spectator]) feed.unsubscribe();
      await Promise.all([...players.values(), anonymous].map((c) => closeClient(c)));
    }
  }, 60_000);
});
