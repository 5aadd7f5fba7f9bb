#!/usr/bin/env bun
import { Command, CommanderError } from "commander";
import { agentCommand } from "./agent/index.ts";
import { keyCommand, tokenCommand } from "./auth/index.ts";
import { CONFIG_VARIABLES, ConfigError, loadConfig } from "./config.ts";
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
    .description("Event backbone for multiplayer game servers: journal, live telemetry, session events, match summaries.")
    .version(`gamejournal ${VERSION} (bun ${Bun.version})`, "-v, --version", "print the version and exit")
    .showHelpAfterError()
    .addHelpText(
      "after",
      `\nEnvironment (serve):\n${CONFIG_VARIABLES.map(([name, help]) => `  ${name.padEnd(26)}${help}`).join("\n")}`,
    );

  program
    .command("serve")
    .description("run the server: REST, tRPC (HTTP, WebSocket, SSE), /health and /metrics on SERVER_ADDRESS")
    .action(serve);

  program.addCommand(agentCommand());
  program.addCommand(tokenCommand());
  program.addCommand(keyCommand());
  program.addCommand(rebuildCommand());

  return program;
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
    throw error;
  }
}

if (import.meta.main) await main(process.argv);
