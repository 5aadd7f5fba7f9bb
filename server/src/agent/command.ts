import { Command, InvalidArgumentError, Option } from "commander";
import pino from "pino";
import { resolveStreamUrl } from "@gamejournal/client";
import type { Logger } from "../log.ts";
import { formatStatus, startAgent } from "./agent.ts";
import { parseTargets } from "./targets.ts";

/** How long a stop may spend delivering what is still queued before leaving it on disk. */
const STOP_TIMEOUT_MS = 3_000;
const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];

interface StreamFlags {
  frequency: number;
  eventsStream?: boolean;
  eventsUrl: string;
  jwtToken?: string;
  token?: string;
  nodeId?: string;
  userId?: string;
  allFrames?: boolean;
  excludeBones?: boolean;
  activeOnly?: boolean;
  excludePaused?: boolean;
  includeModes: string[];
  excludeModes: string[];
  spillDir: string;
  logLevel: string;
  statusInterval: number;
}

/**
 * `gamejournal agent stream [flags] <host:port[-endPort]>...`, with
 * nevr-agent's flags where they apply. Building the command does nothing;
 * its action runs until SIGINT or SIGTERM, logging a status line every
 * `--status-interval` seconds, then delivers what it can within a few
 * seconds, logs a summary (`stopped`) and exits 0.
 */
export function agentCommand(): Command {
  const agent = new Command("agent").description("poll game clients and stream their frames to the events API");
  agent
    .command("stream")
    .description("poll each game's /session (and /player_bones), derive events, and stream frames to /v3/stream")
    .argument("<targets...>", "game API addresses: host:port, host:startPort-endPort or host:port,port")
    .addOption(new Option("-f, --frequency <hz>", "polls per second of each game").argParser(positiveNumber).default(10))
    .option("--events-stream", "stream frames to the events API over WebSocket (otherwise: Envelope JSON lines on stdout)")
    .option("--events-url <url>", "events API base URL (/v3/stream is added) or full ws(s):// URL", "http://localhost:8080")
    .option("--jwt-token <token>", "JWT for the events API (alias --token)")
    .addOption(new Option("--token <token>").hideHelp())
    .option("--node-id <id>", "sent as X-Node-ID (the node part of match ids)")
    .option("--user-id <id>", "sent as X-User-ID")
    .option("--all-frames", "send every polled frame, not only frames with events")
    .option("--exclude-bones", "do not poll /player_bones")
    .option("--active-only", "only frames during active play (game_status playing, or paused)")
    .option("--exclude-paused", "with --active-only, leave paused frames out too")
    .addOption(
      new Option("--include-modes <modes>", "only these match types, comma-separated (e.g. echo_arena,echo_arena_private)")
        .argParser(collectList)
        .default([], "all"),
    )
    .addOption(new Option("--exclude-modes <modes>", "leave these match types out, comma-separated").argParser(collectList).default([], "none"))
    .option("--spill-dir <dir>", "where frames wait on disk while the events API is behind or away", "./data/agent-spill")
    .addOption(
      new Option("--status-interval <seconds>", "log a status line (frames polled, sent, acknowledged, spilled, per game) this often; 0: never")
        .argParser(nonNegativeNumber)
        .default(30),
    )
    .addOption(new Option("--log-level <level>", "log level (logs go to stderr)").choices(LOG_LEVELS).default("info").env("LOG_LEVEL"))
    .addHelpText(
      "after",
      `
Examples:
  gamejournal agent stream --events-stream --events-url http://localhost:8080 --jwt-token $TOKEN 127.0.0.1:6721
  gamejournal agent stream -f 30 --all-frames --exclude-bones --events-stream 127.0.0.1:6721-6730
  gamejournal agent stream --include-modes echo_arena --active-only 127.0.0.1:6721 > frames.jsonl`,
    )
    .action(streamAction);
  return agent;
}

async function streamAction(targets: string[], flags: StreamFlags, command: Command): Promise<void> {
  let games: string[];
  try {
    games = parseTargets(targets);
    if (flags.eventsStream) resolveStreamUrl(flags.eventsUrl);
  } catch (error) {
    return command.error(`error: ${(error as Error).message.replace(/^frame stream: url:/, "--events-url:")}`, { exitCode: 2 });
  }
  const logger = stderrLogger(flags.logLevel);
  if (!flags.eventsStream && command.getOptionValueSource("eventsUrl") === "cli") {
    logger.warn("--events-url is ignored without --events-stream; writing frames to stdout");
  }

  const agent = startAgent(
    {
      games,
      frequencyHz: flags.frequency,
      bones: !flags.excludeBones,
      filter: {
        allFrames: Boolean(flags.allFrames),
        activeOnly: Boolean(flags.activeOnly),
        excludePaused: Boolean(flags.excludePaused),
        includeModes: flags.includeModes,
        excludeModes: flags.excludeModes,
      },
      events: flags.eventsStream
        ? { url: flags.eventsUrl, token: flags.jwtToken ?? flags.token, nodeId: flags.nodeId, userId: flags.userId }
        : undefined,
      spillDir: flags.spillDir,
      statusIntervalMs: flags.statusInterval * 1000,
    },
    { logger },
  );

  const signal = await new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  // A second signal does not wait for the flush.
  const force = () => process.exit(130);
  process.once("SIGINT", force);
  process.once("SIGTERM", force);
  logger.info({ signal }, "stopping");
  // The summary: what each game's frames became, and what is left on disk for the next run.
  const report = await agent.stop(STOP_TIMEOUT_MS);
  const final = { ...agent.status(), on_disk: report.left };
  logger.info({ ...report, targets: final.targets, summary: `${formatStatus(final)} (left for the next run)` }, "stopped");
  process.exit(0);
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a positive number");
  return n;
}

function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError("expected a number of seconds, 0 or more");
  return n;
}

function collectList(value: string, previous: string[]): string[] {
  return [...previous, ...value.split(",").map((m) => m.trim()).filter(Boolean)];
}

/** JSON lines on stderr, so stdout stays free for frames. */
function stderrLogger(level: string): Logger {
  return pino(
    { level, base: { service: "gamejournal-agent" }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ fd: 2, sync: true }),
  );
}
