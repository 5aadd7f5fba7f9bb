/**
 * `bun run bench [--quick] [--only ingest,fanout,...]` (`--help` lists the options)
 *
 * Builds `dist/gamejournal` (always: it takes about a second, and a stale
 * binary would measure old code), starts its own `redis-server` and the
 * binary on loopback, runs each scenario with its baseline in the same run,
 * prints the table and writes bench/results/latest.json. Not part of
 * `bun test`. See bench/README.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BENCH_USAGE, BenchUsageError, parseBenchArgs } from "./lib/args.ts";
import type { BenchContext } from "./lib/context.ts";
import { formatTable, type Row } from "./lib/report.ts";
import { BINARY, describeMachine, ROOT, startRedis, startServer } from "./lib/services.ts";
import { connectionsScenario } from "./scenarios/connections.ts";
import { embeddedScenario } from "./scenarios/embedded.ts";
import { fanoutScenario } from "./scenarios/fanout.ts";
import { gamesScenario } from "./scenarios/games.ts";
import { ingestScenario } from "./scenarios/ingest.ts";
import { lobbyScenario } from "./scenarios/lobby.ts";
import { replayScenario } from "./scenarios/replay.ts";
import { storageScenario } from "./scenarios/storage.ts";

const SCENARIOS: Record<string, (ctx: BenchContext) => Promise<Row[]>> = {
  ingest: ingestScenario,
  embedded: embeddedScenario,
  fanout: fanoutScenario,
  replay: replayScenario,
  connections: connectionsScenario,
  storage: storageScenario,
  games: gamesScenario,
  lobby: lobbyScenario,
};

let args;
try {
  args = parseBenchArgs(process.argv.slice(2), Object.keys(SCENARIOS));
} catch (error) {
  if (!(error instanceof BenchUsageError)) throw error;
  console.error(`bench: ${error.message}\n\n${BENCH_USAGE(Object.keys(SCENARIOS))}`);
  process.exit(2);
}
if (args.help) {
  console.log(BENCH_USAGE(Object.keys(SCENARIOS)));
  process.exit(0);
}
const { quick, only } = args;

const started = performance.now();
const log = (line: string) => console.error(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s] ${line}`);

log(`building ${BINARY}`);
const build = Bun.spawnSync([process.execPath, "run", "scripts/build.ts", "binary"], { cwd: ROOT, stdout: "ignore", stderr: "inherit" });
if (build.exitCode !== 0) {
  console.error("bun run build binary failed");
  process.exit(1);
}

async function main(): Promise<void> {
  const machine = describeMachine();
  await using redis = await startRedis();
  // Lobby streams hold the whole replay stream; everything else is the server's default.
  await using server = await startServer({ JOURNAL_REDIS_URI: redis.url, TELEMETRY_LOBBY_STREAM_MAXLEN: "2000000" });
  log(`redis ${redis.url}, gamejournal ${server.url} (pid ${server.pid})`);

  const ctx: BenchContext = { quick, redis, server, seconds: quick ? 2 : 8, log };
  const rows: Row[] = [];
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    if (only && !only.includes(name)) continue;
    try {
      rows.push(...(await scenario(ctx)));
    } catch (error) {
      log(`${name} failed: ${(error as Error).stack ?? error}`);
      rows.push({ scenario: name, case: "(failed)", figures: {}, baselines: [], compare: "", ratio: {}, available: false, notes: [(error as Error).message] });
    }
  }

  const table = formatTable(rows);
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  console.log(`\ngamejournal bench (${quick ? "quick" : "full"}), ${machine.cpu_count} × ${machine.cpu_model}, ${machine.memory_gib} GiB, ${machine.os}, bun ${machine.bun}, redis ${machine.redis}, git ${machine.git_revision}, ${seconds} s\n`);
  console.log(table);
  const notes = rows.flatMap((r) => r.notes.map((n) => `${r.scenario} / ${r.case}: ${n}`));
  if (notes.length > 0) console.log(`\nnotes:\n${notes.map((n) => `- ${n}`).join("\n")}`);

  const out = join(import.meta.dir, "results");
  mkdirSync(out, { recursive: true });
  const result = { mode: quick ? "quick" : "full", started_at: new Date(Date.now() - seconds * 1000).toISOString(), seconds, machine, rows };
  writeFileSync(join(out, "latest.json"), `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote bench/results/latest.json`);
}

await main();
// Idle keep-alive sockets and the like would hold the process open for seconds; everything is stopped.
process.exit(0);
