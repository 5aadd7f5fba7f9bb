import { describe, expect, test } from "bun:test";
import { toGameStream, type JoinGameReply } from "@gamejournal/shared";
import type { GameFeedStep } from "../../server/src/games/feed.ts";
import { DEFAULT_GAME_SETTINGS, randomCommand, seededRandom } from "../../server/src/games/rules/index.ts";
import { GameService } from "../../server/src/games/service.ts";
import { silentLogger } from "../../server/src/log.ts";
import type { AuthUser } from "../../server/src/platform/auth-user.ts";
import { systemClock } from "../../server/src/platform/clock.ts";
import { LiveFeeds } from "../../server/src/platform/live-feed/index.ts";
import { waitFor } from "../harness/index.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

/**
 * The live feed against a real server's store and journal, with a second
 * service on the same store that never notifies: what an instance that
 * crashed between its append and its notice leaves behind.
 */
async function fixture(server: TestServer, pollMs: number) {
  const games = server.services.domains.get("games") as GameService;
  const silent = new GameService({
    store: games.store,
    settings: DEFAULT_GAME_SETTINGS,
    auth: server.services.auth,
    clock: systemClock,
    logger: silentLogger(),
    notify: async () => {},
    feeds: new LiveFeeds({ journal: server.services.journal.journal, clock: systemClock }),
    feedPollMs: pollMs,
  });
  await games.create({ gameId: "g", numPlayers: 2 });
  const users = new Map<number, AuthUser>();
  for (let i = 0; i < 2; i++) {
    const joined = await games.join("g", { name: `p${i}` });
    if (!joined.success) throw new Error(joined.code);
    users.set(joined.playerId, await server.services.auth.verify(joined.token));
  }
  const random = seededRandom("feed");
  /** Plays one command through `through`; resolves with the version after it. */
  const play = async (through: GameService) => {
    const { state } = await through.rooms.current("g");
    const reply = await through.command("g", users.get(state.currentPlayer!), randomCommand(state, state.currentPlayer!, random)!);
    if (!reply.success) throw new Error(reply.code);
    return reply.version;
  };
  const abort = new AbortController();
  const steps: GameFeedStep[] = [];
  const feed = (async () => {
    for await (const step of silent.feed({ gameId: "g", viewer: 1, lastEventId: null, signal: abort.signal, transport: "test" })) steps.push(step);
  })();
  await waitFor("the state", () => steps.some((s) => s.kind === "caught_up"));
  const delivered = () => steps.flatMap((s) => (s.kind === "event" ? [s.event.eventId] : []));
  return {
    games,
    silent,
    play,
    delivered,
    until: (version: number) => waitFor(`event ${version}`, () => delivered().includes(version), { timeoutMs: 10_000, intervalMs: 5 }),
    async [Symbol.asyncDispose]() {
      abort.abort();
      await feed;
    },
  };
}

describe("a game's live feed", () => {
  test("an append whose notice was lost is delivered with the next notice, in order; repeated and stale notices add nothing", async () => {
    await using server = await startTestServer();
    await using fx = await fixture(server, 60_000);
    let version = await fx.play(fx.games);
    await fx.until(version);
    const lost = await fx.play(fx.silent);
    // Stale, repeated and out-of-order notices: nothing new is read, nothing is repeated.
    const notice = (from: number, to: number) =>
      server.services.journal.append([{ stream: toGameStream("g"), event: { type: "game_events", ts: Date.now(), data: { game_id: "g", from, to } } }]);
    await notice(1, 4);
    await notice(1, 4);
    await notice(5, version);
    version = await fx.play(fx.games);
    await fx.until(version);
    expect(lost).toBeLessThan(version);
    expect(fx.delivered()).toEqual(Array.from({ length: version - 4 }, (_, i) => i + 5));
  });

  test("with no notice at all, the poll delivers what the store holds", async () => {
    await using server = await startTestServer();
    await using fx = await fixture(server, 150);
    const version = await fx.play(fx.silent);
    await fx.until(version);
    expect(fx.delivered()).toEqual(Array.from({ length: version - 4 }, (_, i) => i + 5));
  });

  test("a player who leaves before the start stops being that seat: its next occupant's hand never reaches them, live or on another instance", async () => {
    await using server = await startTestServer();
    const games = server.services.domains.get("games") as GameService;
    const verify = async (reply: JoinGameReply) => server.services.auth.verify((reply as { token: string }).token);
    await games.create({ gameId: "w", numPlayers: 2 });
    const ann = await verify(await games.join("w", { name: "ann" }));
    // Another instance that cached the game while ann held seat 1.
    const other = new GameService({ store: games.store, settings: DEFAULT_GAME_SETTINGS, auth: server.services.auth, clock: systemClock, logger: silentLogger(), notify: async () => {} });
    expect(await other.viewerOf("w", ann)).toBe(1);
    const abort = new AbortController();
    const steps: GameFeedStep[] = [];
    const feed = (async () => {
      for await (const step of games.feed({ gameId: "w", viewer: 1, lastEventId: null, signal: abort.signal, transport: "test" })) steps.push(step);
    })();
    try {
      await waitFor("the state", () => steps.some((s) => s.kind === "caught_up"));
      expect(await games.leave("w", ann)).toMatchObject({ success: true });
      const bob = await verify(await games.join("w", { name: "bob" }));
      await games.join("w", { name: "cy" });
      await waitFor("the deal", () => steps.some((s) => s.kind === "event" && s.event.type === "GameStarted"));
      const started = steps.find((s) => s.kind === "event" && s.event.type === "GameStarted") as Extract<GameFeedStep, { kind: "event" }>;
      expect((started.event.data as { seats: Array<{ hand?: unknown }> }).seats.map((seat) => seat.hand)).toEqual([undefined, undefined]);
      expect(await other.viewerOf("w", ann)).toBeNull();
      expect((await other.state("w", ann)).players.map((p) => p.hand)).toEqual([undefined, undefined]);
      expect((await other.state("w", bob)).players[0]!.hand).toHaveLength(2);
    } finally {
      abort.abort();
      await feed;
    }
  });
});
