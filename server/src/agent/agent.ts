import { createFrameStream, resolveStreamUrl, type FrameStreamOptions } from "@gamejournal/client";
import type { Logger } from "../log.ts";
import { createFrameBuilder, type FrameFilter } from "./frame-builder.ts";
import { pollGame } from "./game-poller.ts";
import { emptyCounts, formatStatus, type AgentStatus, type TargetCounts } from "./agent-status.ts";

export { formatStatus, type AgentStatus };
import { createOutbox, type Outbox, type OutboxReport } from "./outbox.ts";
import { SpillFile } from "./spill-file.ts";
import { systemClock, type Clock } from "../platform/clock.ts";

export interface AgentOptions {
  /** Game API base URLs (`http://host:port`), one poller each. */
  games: string[];
  /** Polls per second of each game. */
  frequencyHz: number;
  /** Include `/player_bones` in frames. */
  bones: boolean;
  filter: FrameFilter;
  /** Where frames go: the events API, or (unset) `write`, one Envelope JSON line each. */
  events?: { url: string; token?: string; nodeId?: string; userId?: string };
  /** Where frames wait on disk when the events API is behind, and what a stop leaves for the next run. */
  spillDir: string;
  /** Unanswered messages kept in memory before spilling to disk (default 1000). */
  memoryLimit?: number;
  /** Polling interval while a game does not answer at all (default 1 s). */
  idleIntervalMs?: number;
  /** How often to log a status line (frames polled, sent, acknowledged, spilled, per target); 0 or unset: never. */
  statusIntervalMs?: number;
  /** Passed to the frame stream (tests shorten them). */
  stream?: Pick<FrameStreamOptions, "maxInFlight" | "retryDelayMs" | "ackTimeoutMs">;
}

export interface AgentDeps {
  logger: Logger;
  /** The clock frames are stamped with (epoch ms). */
  clock?: Clock;
  fetch?: typeof fetch;
  /** Receives Envelope JSON lines when `events` is unset. */
  write?: (line: string) => void;
}

export interface AgentReport extends OutboxReport {
  /** Frames produced by the pollers. */
  frames: number;
}

export interface RunningAgent {
  /** Frames produced so far. */
  readonly frames: number;
  /** Each target's counts so far. */
  status(): AgentStatus;
  /**
   * Stops polling, then delivers what it can within `timeoutMs` (default 3 s);
   * what is still unanswered is left in the spill directory for the next run.
   */
  stop(timeoutMs?: number): Promise<AgentReport>;
}

/**
 * `gamejournal agent stream`: polls each game, turns its snapshots into
 * frames with their events, and streams them as `{"frame": ...}` Envelopes
 * to the events API (`/v3/stream`), in order per game, keeping every frame
 * until the server has answered it.
 */
export function startAgent(options: AgentOptions, deps: AgentDeps): RunningAgent {
  const { logger } = deps;
  const clock = deps.clock ?? systemClock;
  if (!(options.frequencyHz > 0)) throw new TypeError(`agent: frequencyHz: expected a positive number, got ${options.frequencyHz}`);
  if (options.games.length === 0) throw new TypeError("agent: games: expected at least one game address");

  const counts = new Map<string, TargetCounts>(options.games.map((g) => [g, emptyCounts()]));
  let push: (text: string, target: TargetCounts) => void;
  let stopSink: (timeoutMs: number) => Promise<OutboxReport>;
  let outbox: Outbox | undefined;
  if (options.events) {
    const url = resolveStreamUrl(options.events.url);
    const spill = SpillFile.open(options.spillDir, clock);
    const stream = createFrameStream({
      ...options.stream,
      ...options.events,
      onOpen: () => logger.info({ url }, "connected to the events API"),
      onError: (error) => logger.warn({ url, kind: error.kind, error: error.message }, "events API connection trouble; retrying"),
      onRejected: (error, message) => logger.warn({ error, frame: message.slice(0, 200) }, "the events API rejected a frame"),
    });
    const box = createOutbox({ stream, spill, memoryLimit: options.memoryLimit ?? 1000, logger });
    outbox = box;
    push = (text, target) => {
      const where = box.push(text, (answer) => target[answer]++);
      target[where]++;
    };
    stopSink = box.stop;
  } else {
    const write = deps.write ?? ((line: string) => process.stdout.write(line));
    let written = 0;
    push = (text, target) => {
      write(`${text}\n`);
      written++;
      target.sent++;
      target.acknowledged++;
    };
    stopSink = async () => ({ acknowledged: written, rejected: 0, left: 0 });
  }

  const polling = new AbortController();
  let frames = 0;
  const intervalMs = 1000 / options.frequencyHz;
  const pollers = options.games.map((baseUrl) =>
    pollGame({
      baseUrl,
      intervalMs,
      idleIntervalMs: Math.max(intervalMs, options.idleIntervalMs ?? 1000),
      bones: options.bones,
      builder: createFrameBuilder(options.filter),
      emit: (frame) => {
        frames++;
        const target = counts.get(baseUrl)!;
        target.polled++;
        push(JSON.stringify({ frame }), target);
      },
      logger,
      clock,
      signal: polling.signal,
      fetch: deps.fetch,
    }),
  );
  logger.info({ games: options.games, frequency_hz: options.frequencyHz, events: options.events?.url ?? "stdout" }, "agent started");

  const status = (): AgentStatus => ({
    targets: Object.fromEntries([...counts].map(([target, c]) => [target, { ...c }])),
    on_disk: outbox?.spilled ?? 0,
  });
  const statusTimer = options.statusIntervalMs
    ? setInterval(() => {
        const now = status();
        logger.info({ ...now }, `status: ${formatStatus(now)}`);
      }, options.statusIntervalMs)
    : undefined;
  statusTimer?.unref?.();

  let stopped: Promise<AgentReport> | undefined;
  return {
    get frames() {
      return frames;
    },
    status,
    stop(timeoutMs = 3_000) {
      stopped ??= (async () => {
        clearInterval(statusTimer);
        polling.abort();
        await Promise.all(pollers);
        return { frames, ...(await stopSink(timeoutMs)) };
      })();
      return stopped;
    },
  };
}
