import { Command, InvalidArgumentError, Option } from "commander";
import { runBots } from "./bot.ts";

interface BotFlags {
  url: string;
  games: number;
  players: number | "mixed";
  transport: "http" | "ws";
  concurrency: number;
  seed?: string;
  token?: string;
  timeout: number;
}

/**
 * `gamejournal bot [--url URL] [--games N] [--players 2-5|mixed] [--transport http|ws]`:
 * plays whole games of random legal moves against a running server, each
 * request retried unchanged (same commandId) through connection failures,
 * and prints one JSON line per game, then a summary. Building the command
 * does nothing.
 */
export function botCommand(): Command {
  return new Command("bot")
    .description("play games of random legal moves against a server over HTTP or the /ws WebSocket (for tests and load)")
    .option("--url <url>", "the server's base URL", "http://localhost:8080")
    .addOption(new Option("--games <n>", "games to create and play to the end").argParser(positiveInt).default(1))
    .addOption(new Option("--players <n>", "seats per game: 2 to 5, or mixed (2, 3, 4, 5, 2, …)").argParser(players).default(2))
    .addOption(new Option("--transport <kind>", "how commands are sent (states are read over REST)").choices(["http", "ws"]).default("http"))
    .addOption(new Option("--concurrency <n>", "games played at once").argParser(positiveInt).default(16))
    .option("--seed <text>", "seeds the bots' choices (the server deals the cards)")
    .option("--token <token>", "a credential with the ingest scope to create and join games (AUTH_MODE=token); default $GAMEJOURNAL_TOKEN")
    .addOption(new Option("--timeout <seconds>", "give up on a request retried for this long").argParser(positiveInt).default(60))
    .addHelpText(
      "after",
      `
Each request that fails on the way (connection refused or dropped, 5xx) is
sent again with the same commandId until answered, so a server restarted
mid-game loses and repeats nothing. Output: one JSON line per finished game.

Examples:
  gamejournal bot --url http://localhost:8080 --games 10 --players mixed
  gamejournal bot --games 100 --players 4 --transport ws --concurrency 50`,
    )
    .action(async function playBots(flags: BotFlags) {
      const started = performance.now();
      let retries = 0;
      const results = await runBots({
        url: flags.url,
        games: flags.games,
        players: flags.players,
        transport: flags.transport,
        concurrency: flags.concurrency,
        ...(flags.seed ? { seed: flags.seed } : {}),
        ...((flags.token ?? process.env.GAMEJOURNAL_TOKEN) ? { token: flags.token ?? process.env.GAMEJOURNAL_TOKEN } : {}),
        retry: { timeoutMs: flags.timeout * 1000, firstDelayMs: 50 },
        onRetry: () => retries++,
      });
      for (const result of results) process.stdout.write(`${JSON.stringify(result)}\n`);
      const commands = results.reduce((sum, r) => sum + r.commands, 0);
      const seconds = (performance.now() - started) / 1000;
      const finished = results.filter((r) => r.status === "finished").length;
      process.stderr.write(`${finished} of ${results.length} games finished, ${commands} commands in ${seconds.toFixed(1)} s (${Math.round(commands / seconds)}/s), ${retries} retries\n`);
      if (finished !== results.length) process.exitCode = 1;
    });
}

function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number from 1, got "${text}"`);
  return n;
}

function players(text: string): number | "mixed" {
  if (text === "mixed") return "mixed";
  const n = Number(text);
  if (!Number.isInteger(n) || n < 2 || n > 5) throw new InvalidArgumentError(`expected 2 to 5 or mixed, got "${text}"`);
  return n;
}
