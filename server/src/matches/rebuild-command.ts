import { REBUILD_TARGETS, RebuildRequestSchema, type RebuildProgress, type RebuildTarget } from "@gamejournal/shared";
import { Command } from "commander";
import { openBackends, redisReady } from "../backends/index.ts";
import { ConfigError, loadConfig } from "../config.ts";
import { ValidationError } from "../errors.ts";
import { parseWith } from "../http/validate.ts";
import type { Journal } from "../journal/journal.ts";
import { RedisJournal } from "../journal/redis-journal.ts";
import { SqliteJournal } from "../journal/sqlite-journal.ts";
import { silentLogger } from "../log.ts";
import { systemClock, type Clock } from "../platform/clock.ts";
import { rebuildOptionsOf } from "./rebuild-jobs.ts";
import { rebuildRunner } from "./rebuild-run.ts";
import { openMatchStores, openSessionEventStore } from "./stores.ts";

export interface RebuildCommandDeps {
  clock?: Clock;
  /** Where progress lines go (default stdout). */
  write?: (line: string) => void;
  /** Least time between two progress lines (default 1 s). */
  progressEveryMs?: number;
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: an ISO 8601 time as is, or a duration ago (`30m`, `24h`, `7d`) as the ISO time it names. */
export function sinceTime(text: string, now: number): string {
  const match = /^\s*(\d+)\s*([smhd])\s*$/i.exec(text);
  return match ? new Date(now - Number(match[1]) * UNIT_MS[match[2]!.toLowerCase()]!).toISOString() : text;
}

/** One progress line, e.g. `rebuild matches: 12000 entries, 4000 entries/s, lag 3.2 s; 12 matches: 3 changed, ...`. */
export function progressLine(target: RebuildTarget, p: RebuildProgress, doneInMs?: number): string {
  const head = doneInMs === undefined ? `rebuild ${target}:` : `rebuild ${target} done in ${(doneInMs / 1000).toFixed(1)} s:`;
  const counts =
    target === "matches"
      ? `${p.matches} matches: ${p.changed} summaries changed, ${p.unchanged} unchanged, skipped ${p.skipped.open} open / ${p.skipped.partial} partial`
      : `${p.matches} matches: ${p.changed} events restored, ${p.unchanged} already stored`;
  return `${head} ${p.entries} entries, ${p.entries_per_second} entries/s, lag ${(p.lag_ms / 1000).toFixed(1)} s; ${counts}`;
}

/**
 * `gamejournal rebuild matches|session-events [--from ID | --since TIME] [--match ID]`:
 * recomputes summaries (or stored session events) from the journal against
 * the configured backends (the same environment as `serve`), safe beside a
 * running server (rebuild-matches.ts says why). It reads the journal
 * directly (never through the spool or a consumer group), prints a progress
 * line at most once a second and a final one with the counts; exit code 0
 * when done, 2 for bad arguments or configuration, 1 when it failed.
 * Building the command does nothing.
 */
export function rebuildCommand({ clock = systemClock, write = (line) => process.stdout.write(`${line}\n`), progressEveryMs = 1_000 }: RebuildCommandDeps = {}): Command {
  return new Command("rebuild")
    .description("recompute match summaries or stored session events from the journal (safe while the server runs)")
    .argument("<target>", REBUILD_TARGETS.join(" or "))
    .option("--from <id>", "start at this journal entry id (inclusive)")
    .option("--since <time>", "start at entries appended since this time: ISO 8601, or a duration ago (30m, 24h, 7d)")
    .option("--match <id>", "only this match (<session uuid>.<node>)")
    .action(async function runRebuild(target: string, flags: { from?: string; since?: string; match?: string }, command: Command) {
      let request;
      let config;
      try {
        request = parseWith(RebuildRequestSchema, {
          target,
          ...(flags.from ? { from: flags.from } : {}),
          ...(flags.since ? { since: sinceTime(flags.since, clock.now()) } : {}),
          ...(flags.match ? { match_id: flags.match } : {}),
        });
        config = loadConfig(process.env);
      } catch (error) {
        if (error instanceof ValidationError) return command.error(`error: ${error.field === "target" ? `<target> must be ${REBUILD_TARGETS.join(" or ")}` : error.message}`, { exitCode: 2 });
        if (error instanceof ConfigError) return command.error(error.message, { exitCode: 2 });
        throw error;
      }
      const logger = silentLogger();
      const backends = openBackends(config, logger);
      let journal: Journal | undefined;
      try {
        if (backends.redis && !(await redisReady(backends.redis, 10_000))) throw new Error("redis is not reachable");
        const window = { idempotencyWindowMs: config.journal.idempotencyWindowMs, clock };
        journal = backends.redis ? new RedisJournal(backends.redis, logger, window) : new SqliteJournal(backends.sqlite("journal"), window);
        const run = rebuildRunner({ journal, ...openMatchStores(backends, clock), sessionEvents: openSessionEventStore(backends, config), clock });
        const started = clock.now();
        let printed = started;
        const final = await run(request.target, {
          ...rebuildOptionsOf(request),
          onProgress(progress) {
            if (clock.now() - printed < progressEveryMs) return;
            printed = clock.now();
            write(progressLine(request.target, progress));
          },
        });
        write(progressLine(request.target, final, clock.now() - started));
      } catch (error) {
        process.stderr.write(`rebuild ${request.target} failed: ${(error as Error).message}\n`);
        process.exitCode = 1;
      } finally {
        await journal?.close();
        await backends.close();
      }
    });
}
