import { describe, expect, test } from "bun:test";
import { toGameRecordsStream } from "@gamejournal/shared";
import { startMongo, startRedis, waitFor } from "../harness/index.ts";
import { finishEntry, snapshotEntry } from "./gm-events-helpers.ts";
import { LOBBY_DEPLOYMENTS, startLobbyServer, type LobbyServer } from "./server-fixtures.ts";

/**
 * The gm events worker driven through a running server, as in production:
 * games made over the API, the Game Master's entries XADDed to Redis with
 * node-redis (or, embedded, appended through POST /v1/lobby/gm-events), and
 * the results read back over the API.
 */

const FINISHED_AT = Date.UTC(2025, 5, 1, 18, 30, 0);

async function recordChanges(lobby: LobbyServer, gameId: string) {
  return (await lobby.server.services.journal.journal.read(toGameRecordsStream(gameId), { count: 10_000 })).map((e) => e.type);
}

describe.each(LOBBY_DEPLOYMENTS)("the gm events worker in a server on %s", (deployment) => {
  test("snapshots, stats, a malformed entry, the finish and a replayed finish: finished once, evaluated once, read back over the API", async () => {
    await using lobby = await startLobbyServer(deployment);
    const id = await lobby.game({ members: ["user-a", "user-b", "user-c"] });
    await lobby.gm(snapshotEntry(id, 1, [{ user_id: "user-a", planets: 2, population: 10, ships_built: 1 }, { user_id: "user-b", planets: 3, population: 9 }]));
    await lobby.gm({ kind: "runtime_snapshot_update", game_id: id, current_turn: "two" });
    await lobby.gm({ ...snapshotEntry(id, 2, [{ user_id: "user-a", planets: 4, population: 9 }, { user_id: "user-b", planets: 5, population: 9 }]), kind: "", event_type: "runtime_snapshot_update" });
    await lobby.waitForGame(id, (g) => g.runtime_snapshot?.current_turn === 2);
    // The snapshot shows before the entry's stats and offset are written: the gauge reaches 0 once it is handled.
    await waitFor("no lag", async () => (await lobby.metric("lobby_gm_events_lag_entries")) === 0);

    const finish = finishEntry(id, FINISHED_AT, [{ user_id: "user-a", planets: 5, population: 12, ships_built: 4 }, { user_id: "user-b", planets: 4, population: 8 }]);
    await lobby.gm(finish);
    await lobby.gm(finish);
    await lobby.gm(snapshotEntry(id, 100)); // after the replay: proves the replay was handled
    const record = await lobby.waitForGame(id, (g) => g.runtime_snapshot?.current_turn === 100);
    expect(record).toMatchObject({ status: "finished", finished_at: new Date(FINISHED_AT).toISOString(), members: ["user-a", "user-b", "user-c"] });

    expect((await lobby.call("GET", `/v1/lobby/games/${id}/stats`)).body).toEqual({
      game_id: id,
      players: [
        { user_id: "user-a", initial: { planets: 2, population: 10, ships_built: 1 }, max: { planets: 5, population: 12, ships_built: 4 } },
        { user_id: "user-b", initial: { planets: 3, population: 9, ships_built: 0 }, max: { planets: 5, population: 9, ships_built: 0 } },
      ],
    });
    const capabilities = await lobby.call("GET", `/v1/lobby/games/${id}/capabilities`);
    expect(capabilities).toEqual({
      status: 200,
      body: {
        game_id: id,
        evaluated_at: expect.any(String),
        finished_at: new Date(FINISHED_AT).toISOString(),
        players: [
          { user_id: "user-a", capable: true },
          { user_id: "user-b", capable: false },
          { user_id: "user-c", capable: false },
        ],
      },
    });
    const evaluations = await lobby.evaluations(id);
    expect(evaluations).toHaveLength(1);
    expect(evaluations[0]!.data).toEqual(capabilities.body);
    expect(await lobby.metric("lobby_game_transitions_total", { from_status: "running", to_status: "finished", trigger: "runtime_event" })).toBe(1);
    const changes = await recordChanges(lobby, id);
    expect(changes.filter((c) => c === "game_finished")).toHaveLength(1);
    expect(changes.filter((c) => c === "capabilities_evaluated")).toHaveLength(1);
    expect(changes.indexOf("game_finished")).toBeLessThan(changes.indexOf("capabilities_evaluated"));
    // Each handled entry with a snapshot rewrote it: turns 1, 2, the finish, its replay, turn 100.
    expect(changes.filter((c) => c === "runtime_snapshot_updated")).toHaveLength(5);
  });

  test("a paused game finishes too; a finish for a draft game or an unknown game is ignored and the entries after it follow", async () => {
    await using lobby = await startLobbyServer(deployment);
    const paused = await lobby.game({ members: ["user-a"], status: "paused" });
    const draft = await lobby.game({ members: ["user-a"], status: "draft" });
    await lobby.gm(finishEntry(draft, FINISHED_AT));
    await lobby.gm(finishEntry("game-unknown", FINISHED_AT));
    await lobby.gm({ event_type: "game_finished", game_id: paused, runtime_status: "finished", current_turn: "7" });
    const record = await lobby.waitForGame(paused, (g) => g.status === "finished");
    expect(record).toMatchObject({ runtime_snapshot: { current_turn: 7 }, finished_at: expect.any(String) });
    // The evaluation follows the status change within the same entry: wait for it.
    const evaluated = await waitFor("the evaluation", async () => {
      const answer = await lobby.call("GET", `/v1/lobby/games/${paused}/capabilities`);
      return answer.status === 200 ? answer.body : null;
    });
    expect(evaluated.players).toEqual([{ user_id: "user-a", capable: false }]);
    expect((await lobby.call("GET", `/v1/lobby/games/${draft}`)).body).toMatchObject({ status: "draft", finished_at: null });
    expect(await lobby.call("GET", `/v1/lobby/games/${draft}/capabilities`)).toMatchObject({ status: 404 });
    expect(await lobby.metric("lobby_game_transitions_total", { from_status: "paused", to_status: "finished", trigger: "runtime_event" })).toBe(1);
  });
});

/** 60 snapshots of one game over which user-b first appears at turn 30 and everyone grows; then the finish. */
function scriptedGame(gameId: string) {
  const entries: Array<Record<string, string>> = [];
  for (let turn = 1; turn <= 60; turn++) {
    entries.push(
      snapshotEntry(gameId, turn, [
        { user_id: "user-a", planets: turn, population: 100 + turn },
        ...(turn >= 30 ? [{ user_id: "user-b", planets: 2 * turn, population: turn, ships_built: turn }] : []),
      ]),
    );
  }
  entries.push(finishEntry(gameId, FINISHED_AT, [{ user_id: "user-a", planets: 61, population: 161 }, { user_id: "user-b", planets: 100, population: 60 }]));
  return entries;
}

async function expectScriptedResult(lobby: LobbyServer, gameId: string) {
  expect((await lobby.call("GET", `/v1/lobby/games/${gameId}/stats`)).body).toEqual({
    game_id: gameId,
    players: [
      { user_id: "user-a", initial: { planets: 1, population: 101, ships_built: 0 }, max: { planets: 61, population: 161, ships_built: 0 } },
      { user_id: "user-b", initial: { planets: 60, population: 30, ships_built: 30 }, max: { planets: 120, population: 60, ships_built: 60 } },
    ],
  });
  expect((await lobby.call("GET", `/v1/lobby/games/${gameId}/capabilities`)).body.players).toEqual([
    { user_id: "user-a", capable: true },
    { user_id: "user-b", capable: true },
  ]);
  // Read through the server's journal, which may still be reconnecting (an event spooled meanwhile reaches Redis after).
  const evaluations = await waitFor("the evaluation on lobby:events", () => lobby.evaluations(gameId).then((e) => (e.length > 0 ? e : null)), { timeoutMs: 30_000 });
  expect(evaluations).toHaveLength(1);
}

test("a MongoDB outage during consumption through the server holds the offset; it catches up when MongoDB returns, nothing skipped", async () => {
  await using mongo = await startMongo();
  await using lobby = await startLobbyServer("redis+mongodb", { MONGODB_URI: mongo.url });
  const id = await lobby.game({ members: ["user-a", "user-b"] });
  const entries = scriptedGame(id);
  for (const entry of entries.slice(0, 20)) await lobby.gm(entry);
  await lobby.waitForGame(id, (g) => g.runtime_snapshot?.current_turn >= 10, 30_000);
  await mongo.stop();
  // user-b's first observation (turn 30) arrives during the outage: skipping it would freeze a later one.
  for (const entry of entries.slice(20)) await lobby.gm(entry);
  expect((await lobby.call("GET", `/v1/lobby/games/${id}`)).status).toBe(503);
  await Bun.sleep(1_500); // let the worker meet the outage for a while
  await mongo.start();
  const record = await lobby.waitForGame(id, (g) => g.status === "finished", 60_000);
  expect(record).toMatchObject({ finished_at: new Date(FINISHED_AT).toISOString(), runtime_snapshot: { current_turn: 99 } });
  await waitFor("the evaluation", async () => (await lobby.call("GET", `/v1/lobby/games/${id}/capabilities`)).status === 200, { timeoutMs: 30_000 });
  await expectScriptedResult(lobby, id);
}, 120_000);

test("a Redis outage during consumption through the server: the worker resumes from the stored offset when Redis returns, nothing skipped or repeated", async () => {
  await using redis = await startRedis();
  await using lobby = await startLobbyServer("redis+mongodb", { JOURNAL_REDIS_URI: redis.url });
  const id = await lobby.game({ members: ["user-a", "user-b"] });
  const entries = scriptedGame(id);
  for (const entry of entries) await lobby.gm(entry);
  await lobby.waitForGame(id, (g) => g.runtime_snapshot?.current_turn >= 5, 30_000);
  await redis.stop();
  const during = (await lobby.call("GET", `/v1/lobby/games/${id}`)).body.runtime_snapshot.current_turn as number;
  await Bun.sleep(1_500);
  await redis.start();
  await lobby.waitForGame(id, (g) => g.status === "finished", 60_000);
  expect(during).toBeLessThan(61);
  await waitFor("the evaluation", async () => (await lobby.call("GET", `/v1/lobby/games/${id}/capabilities`)).status === 200, { timeoutMs: 30_000 });
  await expectScriptedResult(lobby, id);
  expect(await lobby.metric("lobby_game_transitions_total", { from_status: "running", to_status: "finished", trigger: "runtime_event" })).toBe(1);
}, 120_000);
