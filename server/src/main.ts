#!/usr/bin/env bun
import { Command, CommanderError } from "commander";
import { agentCommand } from "./agent/index.ts";
import { keyCommand, tokenCommand } from "./auth/index.ts";
import { CONFIG_VARIABLES, ConfigError, loadConfig } from "./config.ts";
import { botCommand } from "./games/bot/index.ts";
import { replayCommand } from "./games/replay-command.ts";
import { healthCommand } from "./health/health-command.ts";
import { createLogger } from "./log.ts";
import { rebuildCommand } from "./matches/index.ts";
import { startServer } from "./server.ts";
import { VERSION } from "./version.ts";

/**
 * The command line of the `gamejournal` binary. Importing this module does
 * nothing; the compiled binary's entry calls `main`.
 */
export function buildCli(): Command {
  const program = new Command("gamejournal")
    .description("Event backbone for multiplayer game servers: journal, live telemetry, session events, match summaries, game rooms, the lobby.")
    .version(`gamejournal ${VERSION} (bun ${Bun.version})`, "-v, --version", "print the version and exit")
    .showHelpAfterError()
    .addHelpText("after", () => `\n${environmentHelp("Environment (serve)")}\n\n${EXIT_CODES}`);

  program
    .command("serve")
    .description("run the server: REST, tRPC (HTTP, WebSocket, SSE), the console at /console, /health and /metrics on SERVER_ADDRESS")
    .addHelpText("after", () => `\n${environmentHelp("Environment")}\n\n${EXIT_CODES}`)
    .action(serve);

  program.addCommand(agentCommand());
  program.addCommand(tokenCommand());
  program.addCommand(keyCommand());
  program.addCommand(healthCommand());
  program.addCommand(rebuildCommand());
  program.addCommand(replayCommand());
  program.addCommand(botCommand());

  return program;
}

/** What every command's exit code means (README: "The binary"). */
const EXIT_CODES = `Exit codes:
  0  done (for serve and agent: stopped by SIGINT or SIGTERM)
  1  failed while running (a dependency unreachable, an unexpected error)
  2  asked for something wrong: a bad flag, argument or setting, or a request refused as invalid`;

/**
 * The configuration variables as a help section: names in one column as
 * wide as the longest, meanings wrapped to the terminal with a hanging indent.
 */
export function environmentHelp(title: string, width = process.stdout.columns || 80): string {
  const pad = Math.max(...CONFIG_VARIABLES.map(([name]) => name.length)) + 2;
  const room = Math.max(30, Math.min(width, 120) - pad - 2);
  const lines = CONFIG_VARIABLES.map(([name, help]) => {
    const wrapped: string[] = [];
    let line = "";
    for (const word of help.split(" ")) {
      if (line && line.length + 1 + word.length > room) {
        wrapped.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    wrapped.push(line);
    return wrapped.map((text, i) => `  ${(i === 0 ? name : "").padEnd(pad)}${text}`).join("\n");
  });
  return `${title}:\n${lines.join("\n")}`;
}

async function serve(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const server = await startServer({ config, logger });
  if (server.firstStartAdminToken) {
    process.stderr.write(
      `\ngamejournal: first start, with a new secret in ${config.dataDir}/jwt-secret. Writes and reads need a token (AUTH_MODE=token).\n` +
        `An admin token, valid ${Math.round(config.auth.maxTokenTtlSeconds / 86_400)} days, shown this once (more: gamejournal token --scope admin|ingest|read):\n\n` +
        `${server.firstStartAdminToken}\n\n`,
    );
  }
  const onSignal = (signal: string) => {
    logger.info({ signal }, "signal received");
    // stop() resolves by the timeout; this is the backstop if the event loop itself is stuck past it.
    setTimeout(() => process.exit(1), config.shutdownTimeoutMs + 500).unref();
    void server.stop().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
}

export async function main(argv: string[]): Promise<void> {
  const program = buildCli();
  // Every command, however deep, throws instead of exiting, so the exit code is decided below.
  const override = (command: Command): void => {
    command.exitOverride();
    command.commands.forEach(override);
  };
  override(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    // Usage errors (a bad or missing flag or argument) exit 2, as a bad configuration does; a command's
    // own failure keeps the code it chose; --help and --version exit 0.
    if (error instanceof CommanderError) process.exit(error.code === "commander.error" || error.exitCode === 0 ? error.exitCode : 2);
    // Anything else failed while running: one line, exit 1 (LOG_LEVEL=debug adds the stack).
    console.error(`error: ${(error as Error)?.message ?? String(error)}`);
    if (process.env.LOG_LEVEL === "debug" || process.env.LOG_LEVEL === "trace") console.error((error as Error)?.stack);
    process.exit(1);
  }
}

if (import.meta.main) await main(process.argv);
