import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import { createAuth } from "../../server/src/auth/auth.ts";
import type { BenchContext } from "../lib/context.ts";
import { row, type Figures, type Row } from "../lib/report.ts";
import { JWT_SECRET } from "../lib/services.ts";

/**
 * The lobby's gm events worker (seed 004) on the run's server: it follows
 * the Game Master's `gm:lobby_events` stream in Redis and applies each
 * entry to its game (the runtime snapshot, the players' turn stats; records
 * in the server's embedded `documents.db`, each change also journaled to
 * the game's record stream), saving its offset after each entry.
 *
 * Games are made over the API (`POST /v1/lobby/games`, members, the
 * transitions to `running`); then the bench XADDs `runtime_snapshot_update`
 * entries round-robin over the games, each with every player's stats line,
 * pipelined with node-redis as a Game Master would, and measures entries/s
 * from the first XADD until the last entry's snapshot is visible over the
 * API (the worker handles entries in stream order), and that the worker's
 * lag gauge is back to 0.
 *
 * Baseline: the least a worker does with the same entries on this stack, in
 * this process: XRANGE pages of 1,000 from node-redis, each entry's stats
 * line JSON-parsed, the snapshot written to a games table and each player's
 * stats upserted into bun:sqlite (WAL, synchronous=NORMAL), one transaction
 * a page, and the offset saved with it.
 */

const PLAYERS = 4;
const TO_RUNNING: Array<[string, string]> = [
  ["draft", "enrollment_open"],
  ["enrollment_open", "ready_to_start"],
  ["ready_to_start", "starting"],
  ["starting", "running"],
];

/** The lobby's routes take a credential even in AUTH_MODE=open: a token of the bench's server. */
let token: Promise<string> | undefined;

async function call(base: string, method: string, path: string, body?: unknown): Promise<any> {
  token ??= createAuth(JWT_SECRET).sign("bench");
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${await token}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : null;
}

/** A running game with PLAYERS members, made as a client of the lobby would. */
async function runningGame(base: string, n: number): Promise<{ id: string; members: string[] }> {
  const { game_id: id } = (await call(base, "POST", "/v1/lobby/games", { name: `bench game ${n}`, max_players: PLAYERS })) as { game_id: string };
  const members = Array.from({ length: PLAYERS }, (_, p) => `bench-user-${n}-${p}`);
  for (const user of members) await call(base, "POST", `/v1/lobby/games/${id}/members`, { user_id: user });
  for (const [from, to] of TO_RUNNING) await call(base, "POST", `/v1/lobby/games/${id}/transitions`, { from, to, trigger: "command" });
  return { id, members };
}

/** The Game Master's entry for `game` at `turn`: every player's stats line. */
function snapshotFields(game: { id: string; members: string[] }, turn: number): Record<string, string> {
  return {
    kind: "runtime_snapshot_update",
    game_id: game.id,
    current_turn: String(turn),
    runtime_status: "running",
    engine_health_summary: `healthy at turn ${turn}`,
    player_turn_stats: JSON.stringify(game.members.map((user_id, p) => ({ user_id, planets: 2 + ((turn + p) % 7), population: 10 + turn, ships_built: turn % 5 }))),
  };
}

async function gauge(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : NaN;
}

/** The bare worker over `stream` (see the file comment); entries/s. */
async function bareWorker(redisUrl: string, stream: string, count: number): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), "gamejournal-bench-lobby-"));
  const client = createClient({ url: redisUrl });
  await client.connect();
  try {
    const db = new Database(join(dir, "lobby.db"), { create: true, strict: true });
    db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
    db.exec("CREATE TABLE games (id TEXT PRIMARY KEY, turn INTEGER, status TEXT, health TEXT)");
    db.exec("CREATE TABLE stats (game TEXT, user_id TEXT, planets INTEGER, population INTEGER, ships INTEGER, PRIMARY KEY (game, user_id))");
    db.exec("CREATE TABLE offsets (name TEXT PRIMARY KEY, id TEXT)");
    const game = db.query("INSERT INTO games (id, turn, status, health) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET turn = excluded.turn, status = excluded.status, health = excluded.health");
    const stat = db.query(
      "INSERT INTO stats VALUES (?, ?, ?, ?, ?) ON CONFLICT (game, user_id) DO UPDATE SET planets = max(planets, excluded.planets), population = max(population, excluded.population), ships = max(ships, excluded.ships)",
    );
    const offset = db.query("INSERT INTO offsets VALUES ('gm', ?) ON CONFLICT (name) DO UPDATE SET id = excluded.id");
    type Page = Array<{ id: string; message: Record<string, string> }>;
    const apply = db.transaction((page: Page) => {
      for (const { message: m } of page) {
        game.run(m.game_id!, Number(m.current_turn), m.runtime_status!, m.engine_health_summary!);
        for (const s of JSON.parse(m.player_turn_stats!) as Array<{ user_id: string; planets: number; population: number; ships_built: number }>) {
          stat.run(m.game_id!, s.user_id, s.planets, s.population, s.ships_built);
        }
      }
      offset.run(page[page.length - 1]!.id);
    });
    const t0 = performance.now();
    let after = "-";
    let handled = 0;
    for (;;) {
      const page = (await client.xRange(stream, after, "+", { COUNT: 1_000 })) as Page;
      if (page.length === 0) break;
      apply(page);
      handled += page.length;
      after = `(${page[page.length - 1]!.id}`;
    }
    const seconds = (performance.now() - t0) / 1000;
    db.close();
    if (handled !== count) throw new Error(`bare lobby worker: handled ${handled} of ${count} entries`);
    return { entries_per_s: Math.round(handled / seconds), entries: handled };
  } finally {
    client.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function lobbyScenario(ctx: BenchContext): Promise<Row[]> {
  const base = ctx.server.url;
  const stream = "gm:lobby_events";
  const gameCount = ctx.quick ? 20 : 100;
  const count = ctx.quick ? 10_000 : 40_000;
  ctx.log(`lobby: ${gameCount} running games over the API`);
  const games: Array<{ id: string; members: string[] }> = [];
  for (let n = 0; n < gameCount; n++) games.push(await runningGame(base, n));

  const client = createClient({ url: ctx.redis.url });
  await client.connect();
  try {
    await client.del(stream);
    ctx.log(`lobby: ${count.toLocaleString("en-US")} Game Master entries, the server's gm events worker`);
    const t0 = performance.now();
    const turnOf = (i: number) => Math.floor(i / gameCount) + 1;
    for (let i = 0; i < count; i += 1_000) {
      const chunk = Array.from({ length: Math.min(1_000, count - i) }, (_, j) => i + j);
      await Promise.all(chunk.map((k) => client.xAdd(stream, "*", snapshotFields(games[k % gameCount]!, turnOf(k)))));
    }
    const writtenMs = performance.now() - t0;
    const last = games[(count - 1) % gameCount]!;
    const lastTurn = turnOf(count - 1);
    for (;;) {
      const record = (await call(base, "GET", `/v1/lobby/games/${last.id}`)) as { runtime_snapshot?: { current_turn?: number } };
      if (record.runtime_snapshot?.current_turn === lastTurn) break;
      if (performance.now() - t0 > 600_000) throw new Error("lobby: the gm events worker did not catch up within 10 minutes");
      await Bun.sleep(20);
    }
    const seconds = (performance.now() - t0) / 1000;
    await Bun.sleep(1_500); // the lag gauge is set as the worker goes
    const lag = await gauge(base, "lobby_gm_events_lag_entries");
    const ours: Figures = { entries_per_s: Math.round(count / seconds), entries: count, written_in_ms: Math.round(writtenMs), lag_after: lag };

    ctx.log("lobby: the same entries through a bare worker (XRANGE pages into bun:sqlite)");
    const bare = await bareWorker(ctx.redis.url, stream, count);
    await client.del(stream);
    return [
      row({
        scenario: "lobby",
        case: `gm events worker: ${count.toLocaleString("en-US")} runtime_snapshot_update entries (${PLAYERS} players' stats each) over ${gameCount} running games, until the last is visible over the API`,
        figures: ours,
        baselines: [{ name: "a bare worker: XRANGE pages of 1,000, the snapshot and stats upserted into bun:sqlite, a transaction a page", figures: bare }],
        compare: "entries_per_s",
        notes: Number.isFinite(lag) && lag !== 0 ? [`lag gauge ${lag} after the last entry was visible`] : [],
      }),
    ];
  } finally {
    client.destroy();
  }
}
