import { describe, expect, test } from "bun:test";
import type { GameEventOf } from "@gamejournal/shared";
import { digestOf } from "../../server/src/games/digest.ts";
import { replayGame } from "../../server/src/games/replay.ts";
import type { GameCommand } from "@gamejournal/shared";
import { playerView, randomCommand, scoreOf, seededRandom, type GameState, type Random } from "../../server/src/games/rules/index.ts";
import type { GameService } from "../../server/src/games/service.ts";
import type { AuthUser } from "../../server/src/platform/auth-user.ts";
import { sharedMongo, sharedRedis, uniqueName } from "../harness/index.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { eagerCommand } from "./eager-bot.ts";
import { playToTheEnd } from "./service-fixture.ts";

const GAMES = 100;

/**
 * Plays game `n` (2, 3, 4 or 5 seats in turn) to the end through a server's
 * game service, then rebuilds it from its log alone and checks the rebuilt
 * state against the state the service held live (equal, and equal digests),
 * and the scores `GameFinished` announced against an independent
 * recomputation (`scoreOf`).
 */
async function playAndCheck(server: TestServer, n: number, choose: Choose): Promise<number> {
  const games = server.services.domains.get("games") as GameService;
  const gameId = `bot-${n}`;
  const numPlayers = 2 + (n % 4);
  expect(await games.create({ gameId, numPlayers })).toEqual({ success: true, gameId });
  const users = new Map<number, AuthUser>();
  for (let i = 0; i < numPlayers; i++) {
    const joined = await games.join(gameId, { name: `bot ${i + 1}` });
    if (!joined.success) throw new Error(`join ${gameId}: ${joined.code}`);
    users.set(joined.playerId, await server.services.auth.verify(joined.token));
  }
  const commands = await playToTheEnd(games, gameId, users, seededRandom(`bots:${n}`), Infinity, choose);
  const live = (await games.rooms.cached(gameId)).state;
  expect(live.status).toBe("finished");

  const { room, report } = await replayGame(games.store, gameId);
  expect(room.state).toEqual(live);
  expect(report.digest).toBe(digestOf(live));
  expect(report).toMatchObject({ version: live.version, events: live.version, status: "finished" });
  expect(await games.state(gameId)).toEqual(playerView(room.state, null));

  const finished = (await games.store.read(gameId, { after: live.version - 1 }))[0]!;
  expect(finished.type).toBe("GameFinished");
  const announced = finished.data as GameEventOf<"GameFinished">["data"];
  const recomputed = scoreOf(room.state);
  expect(Object.fromEntries(announced.scores.map((s) => [s.playerId, s.score]))).toEqual(recomputed.scores);
  expect(announced.winner).toBe(recomputed.winner);
  return commands;
}

type Choose = (state: GameState, seat: number, random: Random) => GameCommand | null;

/** Runs the games on `servers`, `perServer` at a time on each; the number of commands played. */
async function playAll(servers: TestServer[], perServer: number, choose: Choose): Promise<number> {
  let next = 0;
  let commands = 0;
  const lane = async (server: TestServer) => {
    while (next < GAMES) {
      const played = await playAndCheck(server, next++, choose);
      commands += played;
    }
  };
  await Promise.all(servers.flatMap((server) => Array.from({ length: perServer }, () => lane(server))));
  return commands;
}

/**
 * 100 games on the embedded backends (SQLite journal and documents), with
 * random bots and the default settings (about 200 commands a game), and 100
 * on Redis + MongoDB (FerretDB), both at once: the first keeps Bun busy, the
 * second FerretDB. Measured on this shared 2-core machine: the SQLite games
 * (about 20,000 commands) take about 5 s; FerretDB 1.x on SQLite, which
 * stands in for MongoDB here, does 20 to 50 appends a second depending on
 * the machine's load (about 8 round trips an append at 4–10 ms each), so
 * its games take one to two minutes even with two concessions:
 * - its games end with the first point card claimed
 *   (GAME_POINT_CARDS_TO_END=1, recorded in each game's `GameCreated`) and
 *   its bots are eager ones (`eagerCommand`: legal moves towards the
 *   cheapest point card): about 17 commands a game instead of about 200;
 * - its 100 games are spread over four server instances, each on its own
 *   database (FerretDB serialises writes per database), sharing one Redis.
 */
describe("100 bot games to the end on each backend, each rebuilt from its log", () => {
  test("embedded SQLite, and Redis with MongoDB (FerretDB), at the same time", async () => {
    const redis = (await sharedRedis()).url;
    const mongo = (await sharedMongo()).url;
    await using embedded = await startTestServer();
    const scaled = await Promise.all(
      [0, 1, 2, 3].map(() =>
        startTestServer({ JOURNAL_REDIS_URI: redis, MONGODB_URI: mongo, MONGODB_DATABASE: uniqueName("games"), GAME_POINT_CARDS_TO_END: "1" }),
      ),
    );
    try {
      const [onSqlite, onMongo] = await Promise.all([playAll([embedded], 4, randomCommand), playAll(scaled, 2, eagerCommand)]);
      expect(onSqlite).toBeGreaterThan(GAMES * 50);
      expect(onMongo).toBeGreaterThan(GAMES * 5);
    } finally {
      await Promise.all(scaled.map((s) => s[Symbol.asyncDispose]()));
    }
  }, 300_000);
});
