import { RebuildRequestSchema, type RebuildJob, type RebuildProgress, type RebuildRequest, type RebuildTarget } from "@gamejournal/shared";
import { GameJournalError, NotFoundError } from "../errors.ts";
import { parseWith } from "../http/validate.ts";
import type { Logger } from "../log.ts";
import type { Clock } from "../platform/clock.ts";
import type { RebuildOptions } from "./rebuild-matches.ts";

/** Runs one rebuild of `target` (rebuildMatches or rebuildSessionEvents over the configured backends). */
export type RunRebuild = (target: RebuildTarget, options: RebuildOptions) => Promise<RebuildProgress>;

/** A rebuild request (already validated) as the rebuild functions take it: `since` becomes the first entry id at that time. */
export function rebuildOptionsOf(request: RebuildRequest): Pick<RebuildOptions, "from" | "matchId"> {
  const from = request.from ?? (request.since ? `${Date.parse(request.since)}-0` : undefined);
  return { ...(from ? { from } : {}), ...(request.match_id ? { matchId: request.match_id } : {}) };
}

export function emptyProgress(): RebuildProgress {
  return { entries: 0, entries_per_second: 0, lag_ms: 0, matches: 0, changed: 0, unchanged: 0, skipped: { open: 0, partial: 0 } };
}

/**
 * The rebuilds the admin API started in this process: each runs in the
 * background and is looked up by id for its progress.
 *
 * 1. One rebuild per target at a time in this process: starting another
 *    while one runs is a CONFLICT (409) naming the running one. (Across
 *    instances two may run; each write is a compare-and-set, so they cannot
 *    overwrite each other, see rebuild-matches.ts.)
 * 2. The last `keep` jobs (default 20) are kept for reading, finished or not.
 * 3. `stop` aborts the running ones and resolves once they have returned; a
 *    job aborted so is `failed` with the reason. What it wrote stays written
 *    (every write is whole), and running it again finishes the work.
 */
export class RebuildJobs {
  private readonly jobs = new Map<string, { job: RebuildJob; done: Promise<void> }>();
  private readonly abort = new AbortController();
  private readonly keep: number;

  constructor(private readonly opts: { run: RunRebuild; clock: Clock; logger: Logger; keep?: number }) {
    if (!opts?.run) throw new Error("new rebuild jobs: no rebuild to run");
    if (!opts.clock) throw new Error("new rebuild jobs: no clock");
    this.keep = opts.keep ?? 20;
  }

  /** Starts a rebuild; `input` is checked against RebuildRequestSchema (a ValidationError names the field). */
  start(input: unknown, by: string): RebuildJob {
    const request = parseWith(RebuildRequestSchema, input);
    const running = [...this.jobs.values()].find(({ job }) => job.state === "running" && job.target === request.target);
    if (running) throw new GameJournalError("CONFLICT", `a rebuild of ${request.target} is already running (job ${running.job.id})`);
    if (this.abort.signal.aborted) throw new GameJournalError("UNAVAILABLE", "the server is shutting down");
    const job: RebuildJob = {
      id: crypto.randomUUID(),
      target: request.target,
      request,
      state: "running",
      by,
      started_at: new Date(this.opts.clock.now()).toISOString(),
      finished_at: null,
      progress: emptyProgress(),
      error: null,
    };
    const log = this.opts.logger.child({ rebuild: job.id, target: job.target });
    log.info({ request, by }, "rebuild started");
    const done = this.opts
      .run(request.target, { ...rebuildOptionsOf(request), signal: this.abort.signal, onProgress: (p) => void (job.progress = p) })
      .then(
        (progress) => {
          Object.assign(job, { state: "done", progress, finished_at: new Date(this.opts.clock.now()).toISOString() });
          log.info({ progress }, "rebuild done");
        },
        (error: Error) => {
          Object.assign(job, { state: "failed", error: error.message, finished_at: new Date(this.opts.clock.now()).toISOString() });
          log.error({ err: error.message }, "rebuild failed");
        },
      );
    this.jobs.set(job.id, { job, done });
    for (const [id, { job: old }] of this.jobs) if (this.jobs.size > this.keep && old.state !== "running") this.jobs.delete(id);
    return structuredClone(job);
  }

  /** The job's state now; NotFoundError (404) for an id this process does not know. */
  get(id: string): RebuildJob {
    const entry = this.jobs.get(id);
    if (!entry) throw new NotFoundError(`no rebuild job ${id} in this server process (jobs are kept in memory, the last ${this.keep})`);
    return structuredClone(entry.job);
  }

  async stop(): Promise<void> {
    this.abort.abort(new Error("the server is shutting down"));
    await Promise.all([...this.jobs.values()].map((j) => j.done));
  }
}
