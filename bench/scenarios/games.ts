import { Database } from "bun:sqlite";
import { join as joinPath } from "node:path";
import { createAuth } from "../../server/src/auth/auth.ts";
import { foldRoom } from "../../server/src/games/room.ts";
import {
  create,
  decide,
  DEFAULT_GAME_SETTINGS,
  evolve,
  initialState,
  join,
  seededRandom,
  type Decision,
} from "../../server/src/games/rules/index.ts";
import { SqliteGameEventStore, type StoredEvent } from "../../server/src/games/store/index.ts";
import type { BenchContext } from "../lib/context.ts";
import { commandLoad, nonClaiming, post } from "../lib/game-load.ts";
import { Histogram } from "../lib/histogram.ts";
import { round, row, type Figures, type Row } from "../lib/report.ts";
import { JWT_SECRET } from "../lib/services.ts";

/**
 * Game rooms on the run's server (journal in Redis, game event store in
 * its embedded SQLite `documents.db`):
 *
 * 1. One game, commands one after another over REST (`POST
 *    /api/games/{id}/commands`, keep-alive): commands/s and per-command
 *    p50/p99. The bench knows each next legal command without asking: it
 *    plays the same game locally with the rules engine (same seed, so the
 *    same deal), so only commands go over the wire.
 * 2. 1,000 games at once, one command in flight per game, as above; then
 *    the same over the plain WebSocket `/ws` (a socket per player, which
 *    also receives every event of its game). Baseline for all three: the same stored events written straight into a
 *    copy of the store's SQLite table with bun:sqlite, one transaction per
 *    command (the storage floor the service stands on).
 * 3. Replay of a 10,000-event game (`POST /api/games/{id}/replay`: read the
 *    log, fold it, check the snapshot, digest), events/s. Baselines: the
 *    same documents read raw from `documents.db` with bun:sqlite and
 *    JSON-parsed, and read raw and folded in this process.
 */
export async function gamesScenario(ctx: BenchContext): Promise<Row[]> {
  const base = ctx.server.url;
  const rows: Row[] = [];

  ctx.log("games: one game, commands one after another over REST");
  const single = await commandLoad(ctx, base, { games: 1, seconds: ctx.seconds, prefix: `bench-one-${Date.now()}` });
  const floor = rawAppendFloor(ctx.server.dir, single.sample, ctx.quick ? 1 : 3);
  rows.push(
    row({
      scenario: "games",
      case: "one game: commands over REST, one at a time",
      figures: single.figures,
      baselines: [{ name: "bun:sqlite: the same events stored raw, 1 command/transaction", figures: floor }],
      compare: "commands_per_s",
      target: { text: "< 10 ms per action (seed's claim)", met: (single.figures.p99_ms as number) < 10 },
    }),
  );

  const many = ctx.quick ? 200 : 1_000;
  ctx.log(`games: ${many} games at once, one command in flight each`);
  const concurrent = await commandLoad(ctx, base, { games: many, seconds: ctx.seconds, prefix: `bench-many-${Date.now()}` });
  rows.push(
    row({
      scenario: "games",
      case: `${many.toLocaleString("en-US")} concurrent games: commands over REST, 1 in flight per game${ctx.quick ? " (quick: full runs 1,000)" : ""}`,
      figures: concurrent.figures,
      baselines: [{ name: "bun:sqlite: the same events stored raw, 1 command/transaction", figures: floor }],
      compare: "commands_per_s",
    }),
  );

  ctx.log(`games: ${many} games at once over /ws, one command in flight each`);
  const overSockets = await commandLoad(ctx, base, { games: many, seconds: ctx.seconds, prefix: `bench-ws-${Date.now()}`, transport: "ws" });
  rows.push(
    row({
      scenario: "games",
      case: `${many.toLocaleString("en-US")} concurrent games: commands over /ws (a socket per player, each also receiving the game's events), 1 in flight per game`,
      figures: overSockets.figures,
      baselines: [{ name: "bun:sqlite: the same events stored raw, 1 command/transaction", figures: floor }],
      compare: "commands_per_s",
    }),
  );

  ctx.log("games: a 10,000-event game, replayed");
  rows.push(await replayCase(ctx, base));
  return rows;
}

/**
 * The storage floor: the events the server stored for `gameId`, written
 * again with bun:sqlite into a table of the same shape in a scratch file
 * beside `documents.db` (WAL, synchronous=NORMAL, as the server opens it),
 * one transaction per command (its events, its command row).
 */
function rawAppendFloor(dataDir: string, gameId: string, seconds: number): Figures {
  const source = new Database(joinPath(dataDir, "documents.db"), { readonly: true });
  const rows = source.query<{ event_id: number; type: string; player_id: number | null; timestamp: number; data: string; command_id: string | null }, [string]>(
    "SELECT event_id, type, player_id, timestamp, data, command_id FROM game_events WHERE game_id = ? ORDER BY event_id",
  ).all(gameId);
  source.close();
  const commands: (typeof rows)[] = [];
  for (const r of rows) {
    const last = commands.at(-1);
    if (last && last[0]!.command_id === r.command_id && r.command_id !== null) last.push(r);
    else commands.push([r]);
  }
  const path = joinPath(dataDir, `raw-floor-${Date.now()}.db`);
  const db = new Database(path, { create: true });
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
    CREATE TABLE game_events (game_id TEXT NOT NULL, event_id INTEGER NOT NULL, type TEXT NOT NULL, player_id INTEGER, timestamp INTEGER NOT NULL, data TEXT NOT NULL, command_id TEXT, PRIMARY KEY (game_id, event_id)) WITHOUT ROWID;
    CREATE TABLE game_commands (game_id TEXT NOT NULL, command_id TEXT NOT NULL, first_event_id INTEGER NOT NULL, last_event_id INTEGER NOT NULL, PRIMARY KEY (game_id, command_id)) WITHOUT ROWID;`);
  const insertEvent = db.query("INSERT INTO game_events VALUES (?, ?, ?, ?, ?, ?, ?)");
  const insertCommand = db.query("INSERT INTO game_commands VALUES (?, ?, ?, ?)");
  const hist = new Histogram();
  let n = 0;
  let events = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    const batch = commands[n % commands.length]!;
    const game = `raw-${Math.floor(n / commands.length)}`;
    const c0 = performance.now();
    db.transaction(() => {
      for (const e of batch) insertEvent.run(game, e.event_id, e.type, e.player_id, e.timestamp, e.data, e.command_id);
      insertCommand.run(game, batch[0]!.command_id ?? `none-${n}`, batch[0]!.event_id, batch.at(-1)!.event_id);
    }).immediate();
    hist.record((performance.now() - c0) * 1000);
    events += batch.length;
    n++;
  }
  const elapsed = (performance.now() - t0) / 1000;
  db.close();
  for (const suffix of ["", "-wal", "-shm"]) Bun.spawnSync(["rm", "-f", `${path}${suffix}`]);
  return { commands_per_s: Math.round(n / elapsed), events_per_s: Math.round(events / elapsed), ...hist.summaryMs() };
}

/**
 * A game of at least 10,000 events: bots that never claim (so it never
 * ends), written into the server's store directly (the server reads the
 * same `documents.db`), one append per command as the service would.
 */
async function longGame(dataDir: string, gameId: string, size: number): Promise<number> {
  const db = new Database(joinPath(dataDir, "documents.db"));
  db.exec("PRAGMA busy_timeout = 5000");
  const store = new SqliteGameEventStore(db, { clock: { now: () => Date.now() } });
  await store.init();
  const random = seededRandom(gameId);
  let state = initialState();
  const append = async (decision: Decision, commandId: string | null) => {
    if (!decision.ok) throw new Error(`long game: ${decision.code}`);
    await store.append(gameId, state.version, decision.events, commandId);
    for (const event of decision.events) state = evolve(state, event);
  };
  await append(create(state, { gameId, numPlayers: 4, seed: `${gameId}-seed`, settings: DEFAULT_GAME_SETTINGS }), null);
  for (let i = 1; i <= 4; i++) await append(join(state, { name: `long ${i}` }), null);
  while (state.version < size) {
    const seat = state.currentPlayer!;
    const command = nonClaiming(state, seat, random)!;
    await append(decide(state, command, { playerId: seat }), `p${seat}.0:long-${state.version}`);
  }
  db.close();
  return state.version;
}

async function replayCase(ctx: BenchContext, base: string): Promise<Row> {
  const gameId = `bench-long-${Date.now()}`;
  const size = await longGame(ctx.server.dir, gameId, 10_000);
  const token = await createAuth(JWT_SECRET).sign("bench");
  const runs = ctx.quick ? 3 : 7;

  // The server: its own timing (read + fold + snapshot check + digest) and the round trip.
  const server: Array<{ seconds: number; wall: number }> = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const report = await post(`${base}/api/games/${gameId}/replay`, {}, token);
    if (report.events !== size) throw new Error(`replay: ${report.events} events, expected ${size}`);
    server.push({ seconds: report.seconds, wall: (performance.now() - t0) / 1000 });
  }
  const best = server.reduce((a, b) => (b.wall < a.wall ? b : a));

  // The same documents read raw, and read raw then folded, in this process.
  const db = new Database(joinPath(ctx.server.dir, "documents.db"), { readonly: true });
  const read = () =>
    db
      .query<{ event_id: number; type: string; player_id: number | null; timestamp: number; data: string; command_id: string | null }, [string]>(
        "SELECT event_id, type, player_id, timestamp, data, command_id FROM game_events WHERE game_id = ? ORDER BY event_id",
      )
      .all(gameId)
      .map((r): StoredEvent => ({ gameId, eventId: r.event_id, type: r.type, playerId: r.player_id, timestamp: r.timestamp, data: JSON.parse(r.data) as unknown, commandId: r.command_id }));
  const timed = (work: () => unknown) => {
    let bestSeconds = Infinity;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      work();
      bestSeconds = Math.min(bestSeconds, (performance.now() - t0) / 1000);
    }
    return bestSeconds;
  };
  const rawSeconds = timed(read);
  const foldSeconds = timed(() => foldRoom(read()));
  db.close();

  const figures: Figures = {
    events_per_s: Math.round(size / best.wall),
    server_events_per_s: Math.round(size / best.seconds),
    events: size,
    p50_ms: round(median(server.map((s) => s.wall)) * 1000, 2),
    max_ms: round(Math.max(...server.map((s) => s.wall)) * 1000, 2),
  };
  return row({
    scenario: "games",
    case: `replay a ${size.toLocaleString("en-US")}-event game (POST /api/games/{id}/replay, best of ${runs})`,
    figures,
    baselines: [
      { name: "bun:sqlite: the same documents read raw + JSON.parse", figures: { events_per_s: Math.round(size / rawSeconds) } },
      { name: "the same, then folded with the rules in-process", figures: { events_per_s: Math.round(size / foldSeconds) } },
    ],
    compare: "events_per_s",
    target: { text: "≥ 50,000 events/s (seed's claim)", met: figures.events_per_s as number >= 50_000 },
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
