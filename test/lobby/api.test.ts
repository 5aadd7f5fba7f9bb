import { describe, expect, test } from "bun:test";
import { closeClient, createClient } from "../../client/src/index.ts";
import { waitFor } from "../harness/index.ts";
import { readSse } from "../support/sse-reader.ts";
import { LOBBY_DEPLOYMENTS, startLobbyServer } from "./server-fixtures.ts";

/**
 * The Lobby API through a running server on both deployments: REST under
 * /v1/lobby/, tRPC lobby.*, GraphQL, and the live record changes. Refused
 * requests answer 400 naming the field, 401, 404 or 409, and change nothing.
 */

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const gameIdOf = (suffix: string) => `game-${suffix}${Math.random().toString(36).slice(2, 8)}`;

describe.each(LOBBY_DEPLOYMENTS)("the Lobby API on %s", (deployment) => {
  test("creates a game in draft (id game-<ULID> unless given), reads and lists it; 409 for a taken id", async () => {
    await using lobby = await startLobbyServer(deployment);
    const created = await lobby.call("POST", "/v1/lobby/games", { name: "Andromeda", owner_id: "user-owner", min_players: 2, max_players: 4 });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      game_id: expect.stringMatching(/^game-[0-9A-HJKMNP-TV-Z]{26}$/),
      name: "Andromeda",
      owner_id: "user-owner",
      type: "public",
      min_players: 2,
      max_players: 4,
      status: "draft",
      runtime_snapshot: null,
      members: [],
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
      started_at: null,
      finished_at: null,
    });
    const id = gameIdOf("named-");
    const named = await lobby.call("POST", "/v1/lobby/games", { game_id: id, name: "Named" });
    expect(named).toMatchObject({ status: 201, body: { game_id: id, min_players: 1, max_players: 100 } });
    const taken = await lobby.call("POST", "/v1/lobby/games", { game_id: id, name: "Again" });
    expect(taken).toMatchObject({ status: 409, body: { success: false, code: "CONFLICT" } });
    expect((await lobby.call("GET", `/v1/lobby/games/${id}`)).body.name).toBe("Named");

    expect(await lobby.call("GET", `/v1/lobby/games/${created.body.game_id}`)).toEqual({ status: 200, body: created.body });
    const drafts = await lobby.call("GET", "/v1/lobby/games?status=draft&limit=1");
    expect(drafts.status).toBe(200);
    expect(drafts.body.items).toHaveLength(1);
    const rest = await lobby.call("GET", `/v1/lobby/games?status=draft&after=${drafts.body.next_after}`);
    expect([...drafts.body.items, ...rest.body.items].map((g: { game_id: string }) => g.game_id).sort()).toEqual([created.body.game_id, id].sort());
    expect((await lobby.call("GET", "/v1/lobby/games?status=running")).body).toEqual({ items: [], next_after: null });
  });

  test("refuses bad input with 400 naming the field, a missing or bad token with 401, and creates nothing", async () => {
    await using lobby = await startLobbyServer(deployment);
    const bad: Array<[unknown, string]> = [
      [{ max_players: 3 }, "name"],
      [{ name: "  " }, "name"],
      [{ name: "x", game_id: "lobby-1" }, "game_id"],
      [{ name: "x", min_players: 5, max_players: 2 }, "max_players"],
      [{ name: "x", max_players: "ten" }, "max_players"],
      [{ name: "x", owner_id: "has space" }, "owner_id"],
      [{ name: "x", type: "secret" }, "type"],
    ];
    for (const [body, field] of bad) {
      const answer = await lobby.call("POST", "/v1/lobby/games", body);
      expect({ body, status: answer.status, field: answer.body.field }).toEqual({ body, status: 400, field });
    }
    expect((await lobby.call("POST", "/v1/lobby/games", "{not json")).status).toBe(400);
    expect(await lobby.call("POST", "/v1/lobby/games", { name: "x" }, { token: null })).toMatchObject({ status: 401, body: { code: "UNAUTHENTICATED" } });
    expect(await lobby.call("POST", "/v1/lobby/games", { name: "x" }, { token: "not.a.jwt" })).toMatchObject({ status: 401, body: { error: "token is malformed" } });
    expect((await lobby.call("GET", "/v1/lobby/games")).body.items).toEqual([]);
    expect(await lobby.call("GET", "/v1/lobby/games/not-a-game")).toMatchObject({ status: 400, body: { field: "game_id" } });
    expect(await lobby.call("GET", "/v1/lobby/games/game-unknown")).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
    expect(await lobby.call("GET", "/v1/lobby/games?status=lost")).toMatchObject({ status: 400, body: { field: "status" } });
    expect(await lobby.call("GET", "/v1/lobby/games?limit=0")).toMatchObject({ status: 400, body: { field: "limit" } });
  });

  test("members are added and removed idempotently before the game starts; a full or started game answers 409", async () => {
    await using lobby = await startLobbyServer(deployment);
    const created = await lobby.call("POST", "/v1/lobby/games", { name: "Small", max_players: 2 });
    const id = created.body.game_id as string;
    const add = (user: unknown, token?: string | null) => lobby.call("POST", `/v1/lobby/games/${id}/members`, { user_id: user }, token === undefined ? {} : { token });
    expect((await add("user-b")).body.members).toEqual(["user-b"]);
    expect((await add("user-a")).body.members).toEqual(["user-a", "user-b"]);
    expect(await add("user-a")).toMatchObject({ status: 200, body: { members: ["user-a", "user-b"] } });
    expect(await add("user-c")).toMatchObject({ status: 409, body: { error: `game ${id} is full (2 players)` } });
    expect(await add("has space")).toMatchObject({ status: 400, body: { field: "user_id" } });
    expect(await add("user-d", null)).toMatchObject({ status: 401 });
    expect(await lobby.call("POST", "/v1/lobby/games/game-nope/members", { user_id: "user-a" })).toMatchObject({ status: 404 });
    expect((await lobby.call("DELETE", `/v1/lobby/games/${id}/members/user-b`)).body.members).toEqual(["user-a"]);
    expect(await lobby.call("DELETE", `/v1/lobby/games/${id}/members/user-b`)).toMatchObject({ status: 200, body: { members: ["user-a"] } });
    expect(await lobby.call("DELETE", `/v1/lobby/games/${id}/members/user-a`, undefined, { token: null })).toMatchObject({ status: 401 });

    const running = await lobby.game({ members: ["user-a"] });
    expect(await lobby.call("POST", `/v1/lobby/games/${running}/members`, { user_id: "user-z" })).toMatchObject({ status: 409, body: { code: "CONFLICT" } });
    expect(await lobby.call("DELETE", `/v1/lobby/games/${running}/members/user-a`)).toMatchObject({ status: 409 });
    expect((await lobby.call("GET", `/v1/lobby/games/${running}`)).body.members).toEqual(["user-a"]);
  });

  test("transitions are compare-and-sets along the table: 409 on a conflict or a missing arrow, 400 for runtime_event; each success counted", async () => {
    await using lobby = await startLobbyServer(deployment);
    const id = (await lobby.call("POST", "/v1/lobby/games", { name: "Path" })).body.game_id as string;
    const move = (body: unknown, token?: string | null) => lobby.call("POST", `/v1/lobby/games/${id}/transitions`, body, token === undefined ? {} : { token });

    expect(await move({ from: "draft", to: "running", trigger: "command" })).toMatchObject({ status: 409, body: { error: `game ${id}: no transition from draft to running on command` } });
    expect(await move({ from: "enrollment_open", to: "ready_to_start", trigger: "command" })).toMatchObject({ status: 409, body: { code: "CONFLICT" } });
    expect(await move({ from: "draft", to: "enrollment_open" }, null)).toMatchObject({ status: 401 });
    expect(await move({ from: "draft", to: "nowhere" })).toMatchObject({ status: 400, body: { field: "to" } });
    expect(await move({ to: "enrollment_open" })).toMatchObject({ status: 400, body: { field: "from" } });
    expect(await move({ from: "draft", to: "enrollment_open", trigger: "whim" })).toMatchObject({ status: 400, body: { field: "trigger" } });
    expect((await lobby.call("GET", `/v1/lobby/games/${id}`)).body).toMatchObject({ status: "draft", started_at: null });

    expect(await move({ from: "draft", to: "enrollment_open" })).toMatchObject({ status: 200, body: { status: "enrollment_open" } });
    expect(await move({ from: "enrollment_open", to: "ready_to_start", trigger: "enough_players" })).toMatchObject({ status: 200, body: { status: "ready_to_start" } });
    expect(await move({ from: "ready_to_start", to: "starting", trigger: "command" })).toMatchObject({ status: 200 });
    const started = await move({ from: "starting", to: "running", trigger: "runtime_registered" });
    expect(started).toMatchObject({ status: 200, body: { status: "running", started_at: expect.stringMatching(ISO), finished_at: null } });
    expect(await move({ from: "running", to: "finished", trigger: "runtime_event" })).toMatchObject({ status: 400, body: { field: "trigger" } });
    expect(await move({ from: "running", to: "finished", trigger: "command" })).toMatchObject({ status: 409 });
    expect(await move({ from: "running", to: "paused" })).toMatchObject({ status: 200, body: { status: "paused" } });
    expect(await move({ from: "running", to: "paused" })).toMatchObject({ status: 409 });
    expect(await move({ from: "paused", to: "running" })).toMatchObject({ status: 200, body: { status: "running", started_at: started.body.started_at } });

    const count = (from: string, to: string, trigger: string) => lobby.metric("lobby_game_transitions_total", { from_status: from, to_status: to, trigger });
    expect(await count("draft", "enrollment_open", "command")).toBe(1);
    expect(await count("enrollment_open", "ready_to_start", "enough_players")).toBe(1);
    expect(await count("starting", "running", "runtime_registered")).toBe(1);
    expect(await count("running", "paused", "command")).toBe(1);
    expect(await count("paused", "running", "command")).toBe(1);
    expect(await count("draft", "running", "command")).toBe(0);

    const other = (await lobby.call("POST", "/v1/lobby/games", { name: "Cancelled" })).body.game_id as string;
    expect(await lobby.call("POST", `/v1/lobby/games/${other}/transitions`, { from: "draft", to: "cancelled" })).toMatchObject({ status: 200, body: { status: "cancelled" } });
    expect(await lobby.call("POST", `/v1/lobby/games/${other}/transitions`, { from: "cancelled", to: "draft" })).toMatchObject({ status: 409 });
    expect(await lobby.call("POST", "/v1/lobby/games/game-nope/transitions", { from: "draft", to: "enrollment_open" })).toMatchObject({ status: 404 });
  });

  test("stats are empty and capabilities 404 before the game is evaluated", async () => {
    await using lobby = await startLobbyServer(deployment);
    const id = await lobby.game({ members: ["user-a"] });
    expect(await lobby.call("GET", `/v1/lobby/games/${id}/stats`)).toEqual({ status: 200, body: { game_id: id, players: [] } });
    expect(await lobby.call("GET", `/v1/lobby/games/${id}/capabilities`)).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
    expect(await lobby.call("GET", "/v1/lobby/games/game-nope/stats")).toMatchObject({ status: 404 });
  });

  test("tRPC lobby.* and GraphQL reach the same records; tRPC writes need a token", async () => {
    await using lobby = await startLobbyServer(deployment);
    const client = createClient({ url: lobby.url, token: lobby.token });
    const anonymous = createClient({ url: lobby.url });
    try {
      const game = await client.lobby.create.mutate({ name: "Over tRPC", max_players: 3 });
      expect(game.status).toBe("draft");
      await expect(anonymous.lobby.create.mutate({ name: "nope" })).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
      await expect(client.lobby.create.mutate({ name: "x", game_id: "nope" })).rejects.toMatchObject({ data: { code: "BAD_REQUEST", field: "game_id" } });
      await client.lobby.addMember.mutate({ gameId: game.game_id, userId: "user-a" });
      const moved = await client.lobby.transition.mutate({ gameId: game.game_id, from: "draft", to: "enrollment_open" });
      expect(moved).toMatchObject({ status: "enrollment_open", members: ["user-a"] });
      await expect(client.lobby.transition.mutate({ gameId: game.game_id, from: "draft", to: "enrollment_open" })).rejects.toMatchObject({ data: { code: "CONFLICT" } });
      expect(await anonymous.lobby.get.query({ gameId: game.game_id })).toEqual(moved);
      expect((await anonymous.lobby.list.query({ status: "enrollment_open" })).items.map((g) => g.game_id)).toEqual([game.game_id]);
      expect(await anonymous.lobby.stats.query({ gameId: game.game_id })).toEqual({ game_id: game.game_id, players: [] });
      await expect(anonymous.lobby.capabilities.query({ gameId: game.game_id })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });

      const res = await fetch(`${lobby.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          query: `query ($id: ID!) {
            lobbyGame(gameId: $id) { game_id status members runtime_snapshot { current_turn } started_at }
            lobbyGames(status: enrollment_open) { items { game_id } next_after }
            lobbyGameStats(gameId: $id) { players { user_id } }
            lobbyGameCapabilities(gameId: $id) { evaluated_at }
            unknown: lobbyGame(gameId: "game-nope") { game_id }
          }`,
          variables: { id: game.game_id },
        }),
      });
      expect(await res.json()).toEqual({
        data: {
          lobbyGame: { game_id: game.game_id, status: "enrollment_open", members: ["user-a"], runtime_snapshot: null, started_at: null },
          lobbyGames: { items: [{ game_id: game.game_id }], next_after: null },
          lobbyGameStats: { players: [] },
          lobbyGameCapabilities: null,
          unknown: null,
        },
      });
    } finally {
      await closeClient(client);
      await closeClient(anonymous);
    }
  });

  for (const transport of ["ws", "sse"] as const) {
    test(`lobby.gameUpdates over ${transport} yields each record change live, and resumes after lastEventId without gaps`, async () => {
      await using lobby = await startLobbyServer(deployment);
      const id = (await lobby.call("POST", "/v1/lobby/games", { name: "Watched" })).body.game_id as string;
      const client = createClient({ url: lobby.url, subscriptions: transport });
      try {
        const seen: Array<{ id: string; type: string; status: string; members: string[] }> = [];
        const subscribe = (lastEventId: string | null) => {
          const sub = client.lobby.gameUpdates.subscribe(
            { gameId: id, lastEventId },
            {
              onData: ({ id: eventId, data }) => {
                if (data.type === "events_lost") throw new Error("nothing was trimmed");
                const entry = data as unknown as { type: string; data: { record: { status: string; members: string[] } } };
                seen.push({ id: eventId, type: entry.type, status: entry.data.record.status, members: entry.data.record.members });
              },
            },
          );
          return { sub };
        };
        // From the start of the stream: the creation is there already.
        const first = subscribe("0-0");
        await waitFor("the creation", () => seen.length === 1);
        await lobby.call("POST", `/v1/lobby/games/${id}/members`, { user_id: "user-a" });
        await lobby.call("POST", `/v1/lobby/games/${id}/transitions`, { from: "draft", to: "enrollment_open" });
        await waitFor("two live changes", () => seen.length === 3);
        first.sub.unsubscribe();
        const resumeAfter = seen.at(-1)!.id;
        // Changes while nobody listens, then a resume from the last id seen.
        await lobby.call("POST", `/v1/lobby/games/${id}/members`, { user_id: "user-b" });
        await lobby.call("POST", `/v1/lobby/games/${id}/members`, { user_id: "user-a" }); // no change: no entry
        await lobby.call("DELETE", `/v1/lobby/games/${id}/members/user-a`);
        await lobby.call("POST", `/v1/lobby/games/${id}/transitions`, { from: "draft", to: "cancelled" }); // refused: no entry
        const second = subscribe(resumeAfter);
        await waitFor("the missed changes", () => seen.length === 5);
        expect(seen.map(({ type, status, members }) => ({ type, status, members }))).toEqual([
          { type: "game_created", status: "draft", members: [] },
          { type: "member_added", status: "draft", members: ["user-a"] },
          { type: "status_changed", status: "enrollment_open", members: ["user-a"] },
          { type: "member_added", status: "enrollment_open", members: ["user-a", "user-b"] },
          { type: "member_removed", status: "enrollment_open", members: ["user-b"] },
        ]);
        expect(new Set(seen.map((s) => s.id)).size).toBe(5);
        second.sub.unsubscribe();
        await expect(
          new Promise((resolve, reject) => {
            const sub = client.lobby.gameUpdates.subscribe({ gameId: "game-nope" }, { onError: reject, onData: resolve });
            setTimeout(() => sub.unsubscribe(), 10_000);
          }),
        ).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
      } finally {
        await closeClient(client);
      }
    });
  }

  test("GET /v1/lobby/games/{id}/live streams the record changes as SSE, resumable with Last-Event-ID", async () => {
    await using lobby = await startLobbyServer(deployment);
    const id = (await lobby.call("POST", "/v1/lobby/games", { name: "SSE" })).body.game_id as string;
    const res = await fetch(`${lobby.url}/v1/lobby/games/${id}/live?lastEventId=0-0`);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const sse = readSse(res);
    await lobby.call("POST", `/v1/lobby/games/${id}/transitions`, { from: "draft", to: "enrollment_open" });
    await waitFor("two events", () => sse.events.length === 2);
    await sse.close();
    const types = sse.events.map((e) => JSON.parse(e.data).type);
    expect(types).toEqual(["game_created", "status_changed"]);
    expect(JSON.parse(sse.events[1]!.data).data).toMatchObject({ game_id: id, from: "draft", to: "enrollment_open", trigger: "command", record: { status: "enrollment_open" } });
    await lobby.call("POST", `/v1/lobby/games/${id}/members`, { user_id: "user-q" });
    const resumed = readSse(await fetch(`${lobby.url}/v1/lobby/games/${id}/live`, { headers: { "Last-Event-ID": sse.events[1]!.id! } }));
    await waitFor("the missed event", () => resumed.events.length === 1);
    await resumed.close();
    expect(JSON.parse(resumed.events[0]!.data)).toMatchObject({ type: "member_added", data: { user_id: "user-q" } });
    expect(await lobby.call("GET", `/v1/lobby/games/${id}/live?lastEventId=yesterday`)).toMatchObject({ status: 400, body: { field: "lastEventId" } });
    expect(await lobby.call("GET", "/v1/lobby/games/game-nope/live")).toMatchObject({ status: 404 });
  });

  test("POST /v1/lobby/gm-events: embedded it appends the entry (token, flat string fields, Idempotency-Key); with Redis 409", async () => {
    await using lobby = await startLobbyServer(deployment);
    const entry = { kind: "runtime_snapshot_update", game_id: "game-x", current_turn: "1" };
    expect(await lobby.call("POST", "/v1/lobby/gm-events", entry, { token: null })).toMatchObject({ status: 401 });
    if (deployment === "redis+mongodb") {
      const refused = await lobby.call("POST", "/v1/lobby/gm-events", entry);
      expect(refused.status).toBe(409);
      expect(refused.body.error).toContain(`XADD ${lobby.stream}`);
      return;
    }
    const post = (body: unknown, key?: string) =>
      fetch(`${lobby.url}/v1/lobby/gm-events`, {
        method: "POST",
        headers: { authorization: `Bearer ${lobby.token}`, "content-type": "application/json", ...(key ? { "idempotency-key": key } : {}) },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const first = await post(entry, "k1");
    expect(first).toEqual({ status: 202, body: { stream: "gm:lobby_events", id: expect.stringMatching(/^\d+-\d+$/), duplicate: false } });
    expect(await post(entry, "k1")).toEqual({ status: 202, body: { ...first.body, duplicate: true } });
    expect(await post({ kind: "runtime_snapshot_update", current_turn: 1 })).toMatchObject({ status: 400, body: { field: "current_turn" } });
    expect(await post(["kind"])).toMatchObject({ status: 400, body: { field: "fields" } });
    expect(await post({})).toMatchObject({ status: 400, body: { field: "fields" } });
    expect(await post({ kind: "x".repeat(70_000) })).toMatchObject({ status: 413 });
    const stored = await lobby.server.services.journal.journal.read("gm:lobby_events", { count: 10 });
    expect(stored.map((e) => e.data)).toEqual([entry]);
  });
});
