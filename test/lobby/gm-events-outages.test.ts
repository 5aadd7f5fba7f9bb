import { describe, expect, test } from "bun:test";
import { createClient } from "redis";
import type { RedisClient } from "../../server/src/backends/redis.ts";
import { createGmEvents, GmEventsSupervisor } from "../../server/src/lobby/index.ts";
import { redisLease, type Lease } from "../../server/src/workers/lease.ts";
import { sharedRedis, startMongo, startRedis, uniqueName, waitFor } from "../harness/index.ts";
import { T0 } from "./backends.ts";
import { captureLogger } from "./capture-logger.ts";
import { fault, finishEntry, logged, setUpGame, snapshotEntry, withFault } from "./gm-events-helpers.ts";
import { mongoRedisWorkerFixture, WORKER_BACKENDS, type WorkerFixture } from "./worker-fixtures.ts";

/**
 * The gm events worker through outages and restarts: what it holds, what it
 * logs, and that it catches up with nothing skipped. Real servers of the
 * test's own (startMongo, startRedis) are stopped and started again.
 */

const iso = (ms: number) => new Date(ms).toISOString();

/** A supervisor over a new worker of `fx`, logging into the fixture's log. */
function supervise(fx: WorkerFixture, { lease }: { lease?: Lease } = {}) {
  const abort = new AbortController();
  const supervisor = new GmEventsSupervisor({ worker: fx.worker(), logger: fx.logger, lease, backoffMs: { min: 20, max: 200 } });
  const done = supervisor.run(abort.signal);
  return {
    done,
    async stop() {
      abort.abort();
      await done;
    },
  };
}

describe.each(WORKER_BACKENDS)("gm events worker on %s", (_name, makeFixture) => {
  test("createGmEvents assembles evaluator, worker and supervisor over the stores; the supervisor consumes until stopped", async () => {
    await using fx = await makeFixture();
    const gameId = await setUpGame(fx.stores.games, "game-1", { members: ["user-1"] });
    const { supervisor } = createGmEvents({ stores: fx.stores, source: fx.source(), publisher: fx.publisher, clock: fx.clock, logger: fx.logger, worker: { blockMs: 100 } });
    const abort = new AbortController();
    const done = supervisor.run(abort.signal);
    const last = await fx.append(finishEntry(gameId, T0 + 5));
    await fx.waitForOffset(last);
    expect(await fx.stores.capabilities.get(gameId)).toMatchObject({ finished_at: iso(T0 + 5) });
    abort.abort();
    await done;
    expect(logged(fx, "gm events consumer stopped")).toHaveLength(1);
  });

  test("the lag gauge counts the entries behind while the worker is held, and is 0 once it caught up", async () => {
    await using fx = await makeFixture();
    const x = await setUpGame(fx.stores.games, "game-x");
    const ids = [await fx.append(finishEntry(x, T0))];
    for (let turn = 1; turn < 10; turn++) ids.push(await fx.append(snapshotEntry("game-y", turn)));
    const f = fault(x);
    fx.start(fx.worker({ games: withFault(fx.stores.games, "get", f), batch: 3, lagIntervalMs: 0 }));
    const lag = async () => (await fx.registry.getSingleMetric("lobby_gm_events_lag_entries")!.get()).values[0]?.value;
    await waitFor("a held worker", () => f.calls >= 2);
    expect(await lag()).toBe(10);
    f.active = false;
    await fx.waitForOffset(ids.at(-1)!);
    expect(await lag()).toBe(0);
  });
});

test("a MongoDB outage during consumption holds the offset; the worker catches up with nothing skipped", async () => {
  await using mongo = await startMongo();
  await using fx = await mongoRedisWorkerFixture({ mongoUrl: mongo.url });
  const a = await setUpGame(fx.stores.games, "game-a", { members: ["user-1", "user-2"] });
  const running = supervise(fx);
  const first = await fx.append(snapshotEntry(a, 1, [{ user_id: "user-1", planets: 1, population: 1 }]));
  await fx.waitForOffset(first);

  await mongo.stop();
  // user-2's first observation arrives during the outage: skipping it would freeze a later one as initial.
  await fx.append(snapshotEntry(a, 2, [{ user_id: "user-2", planets: 5, population: 5 }]));
  await fx.append(snapshotEntry(a, 3, [{ user_id: "user-1", planets: 3, population: 3 }, { user_id: "user-2", planets: 6, population: 6 }]));
  const last = await fx.append(finishEntry(a, T0 + 500, [{ user_id: "user-1", planets: 4, population: 4 }, { user_id: "user-2", planets: 5, population: 7 }]));
  await waitFor("the worker to meet the outage", () => fx.logs.some((l) => l.level === "warn"), { timeoutMs: 30_000 });
  await mongo.start();

  await fx.waitForOffset(last, 60_000);
  expect(await fx.stores.stats.get(a)).toEqual({
    game_id: a,
    players: [
      { user_id: "user-1", initial: { planets: 1, population: 1, ships_built: 0 }, max: { planets: 4, population: 4, ships_built: 0 } },
      { user_id: "user-2", initial: { planets: 5, population: 5, ships_built: 0 }, max: { planets: 6, population: 7, ships_built: 0 } },
    ],
  });
  expect(await fx.stores.games.get(a)).toMatchObject({ status: "finished", finished_at: iso(T0 + 500), runtime_snapshot: { current_turn: 99 } });
  expect((await fx.stores.capabilities.get(a))!.players).toEqual([
    { user_id: "user-1", capable: true },
    { user_id: "user-2", capable: true },
  ]);
  expect(await fx.published()).toHaveLength(1);
  expect(await fx.transitions("running", "finished", "runtime_event")).toBe(1);
  expect(logged(fx, "gm events consumer failed; restarting with backoff until it recovers").length).toBeLessThanOrEqual(1);
  await running.stop();
}, 120_000);

test("a Redis outage stops the loop; the supervisor restarts it with backoff, logging once when it fails and once when it recovers", async () => {
  await using redis = await startRedis();
  await using fx = await mongoRedisWorkerFixture({ redisUrl: redis.url });
  const a = await setUpGame(fx.stores.games, "game-a", { members: ["user-1"] });
  const running = supervise(fx);
  const first = await fx.append(snapshotEntry(a, 1));
  await fx.waitForOffset(first);

  await redis.stop();
  await waitFor("four restarts", () => logged(fx, "gm events consumer started").length >= 5, { timeoutMs: 30_000 });
  expect(logged(fx, "gm events consumer failed; restarting with backoff until it recovers")).toHaveLength(1);
  expect(logged(fx, "gm events consumer recovered")).toHaveLength(0);

  await redis.start();
  const last = await fx.append(finishEntry(a, T0 + 9));
  await fx.waitForOffset(last, 30_000);
  expect(await fx.stores.games.get(a)).toMatchObject({ status: "finished", runtime_snapshot: { current_turn: 99 } });
  expect(logged(fx, "gm events consumer failed; restarting with backoff until it recovers")).toHaveLength(1);
  expect(logged(fx, "gm events consumer recovered")).toHaveLength(1);
  await running.stop();
}, 120_000);

test("under a Redis lease one instance consumes; when it stops, the other takes over from the stored offset", async () => {
  await using fx = await mongoRedisWorkerFixture();
  const client = createClient({ url: (await sharedRedis()).url }) as RedisClient;
  await client.connect();
  const key = uniqueName("workers:lease:lobby-gm-events");
  const { logger } = captureLogger();
  const [ownerOne, ownerTwo] = [crypto.randomUUID(), crypto.randomUUID()];
  const one = supervise(fx, { lease: redisLease(client, key, logger, { ttlMs: 1_500, owner: ownerOne }) });
  await waitFor("the first instance to hold the lease", async () => (await client.get(key)) === ownerOne);
  const two = supervise(fx, { lease: redisLease(client, key, logger, { ttlMs: 1_500, owner: ownerTwo }) });
  const gameId = await setUpGame(fx.stores.games, "game-1");
  const early = await fx.append(snapshotEntry(gameId, 1));
  await fx.waitForOffset(early);
  expect(logged(fx, "gm events consumer started")).toHaveLength(1);

  await one.stop();
  await waitFor("the second instance to take the lease", async () => (await client.get(key)) === ownerTwo, { timeoutMs: 10_000 });
  const late = await fx.append(snapshotEntry(gameId, 2));
  await fx.waitForOffset(late);
  const starts = logged(fx, "gm events consumer started");
  expect(starts).toHaveLength(2);
  expect(starts[1]).toMatchObject({ start_entry_id: early });
  expect((await fx.stores.games.get(gameId))!.runtime_snapshot?.current_turn).toBe(2);
  await two.stop();
  expect(await client.get(key)).toBeNull();
  client.destroy();
}, 60_000);
