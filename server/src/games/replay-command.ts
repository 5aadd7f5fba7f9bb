import { Command } from "commander";
import { openBackends } from "../backends/index.ts";
import { ConfigError, loadConfig } from "../config.ts";
import { createLogger } from "../log.ts";
import { systemClock } from "../platform/clock.ts";
import { replayGame } from "./replay.ts";
import { openGameEventStore } from "./stores.ts";

/**
 * `gamejournal replay GAME_ID`: rebuilds a game from its log in the
 * configured store (MONGODB_URI, else DATA_DIR's embedded database), checks
 * it against the stored snapshot, and prints the version, the number of
 * events and the state's digest (a progress line every 10,000 events on
 * stderr). Exits 1 when the game does not exist or the snapshot disagrees.
 * Building the command does nothing.
 */
export function replayCommand(): Command {
  return new Command("replay")
    .description("rebuild a game room from its event log, check its snapshot, print version, events and state digest")
    .argument("<gameId>", "the game to replay")
    .addHelpText(
      "after",
      `
Reads the store the server is configured with (MONGODB_URI, else DATA_DIR).
Output, one "name: value" line each: game, status, version, events, digest
(sha256 of the state's canonical JSON), snapshot (its version and whether it
matches the fold of the log up to it), seconds, events_per_second.

Example:
  MONGODB_URI=mongodb://localhost:27017/gamejournal gamejournal replay test-game-1`,
    )
    .action(async function replay(gameId: string, _flags: unknown, command: Command) {
      let config;
      try {
        config = loadConfig(process.env);
      } catch (error) {
        if (error instanceof ConfigError) return command.error(error.message, { exitCode: 2 });
        throw error;
      }
      const backends = openBackends(config, createLogger("error"));
      try {
        const store = openGameEventStore(backends, systemClock);
        const { report } = await replayGame(store, gameId, {
          onProgress: (p) => process.stderr.write(`replayed ${p.events} events in ${p.seconds.toFixed(2)} s\n`),
        });
        const snapshot = report.snapshot ? `version ${report.snapshot.version}, ${report.snapshot.matches ? "matches" : "DOES NOT MATCH"} the log` : "none";
        process.stdout.write(
          [
            `game: ${report.gameId}`,
            `status: ${report.status}`,
            `version: ${report.version}`,
            `events: ${report.events}`,
            `digest: ${report.digest}`,
            `snapshot: ${snapshot}`,
            `seconds: ${report.seconds}`,
            `events_per_second: ${report.eventsPerSecond}`,
          ].join("\n") + "\n",
        );
        if (report.snapshot && !report.snapshot.matches) process.exitCode = 1;
      } catch (error) {
        process.stderr.write(`replay ${gameId}: ${(error as Error).message}\n`);
        process.exitCode = 1;
      } finally {
        await backends.close();
      }
    });
}
