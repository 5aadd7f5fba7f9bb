import { describe, expect, test } from "bun:test";
import type { RebuildProgress, RebuildTarget } from "@gamejournal/shared";
import { GameJournalError, NotFoundError, ValidationError } from "../errors.ts";
import { silentLogger } from "../log.ts";
import { emptyProgress, RebuildJobs, rebuildOptionsOf, type RunRebuild } from "./rebuild-jobs.ts";
import type { RebuildOptions } from "./rebuild-matches.ts";

/** A rebuild that reports progress and then waits until the test lets it finish (or it is aborted). */
function heldRun() {
  const calls: Array<{ target: RebuildTarget; options: RebuildOptions; finish: (p: RebuildProgress) => void }> = [];
  const run: RunRebuild = (target, options) =>
    new Promise((resolve, reject) => {
      options.onProgress?.({ ...emptyProgress(), entries: 10 });
      options.signal?.addEventListener("abort", () => reject(options.signal!.reason as Error));
      calls.push({ target, options, finish: resolve });
    });
  return { run, calls };
}

const clock = { t: 1_000, now: () => clock.t };

describe("rebuild jobs", () => {
  test("runs in the background, reports progress, then the final counts", async () => {
    const { run, calls } = heldRun();
    const jobs = new RebuildJobs({ run, clock, logger: silentLogger() });
    const job = jobs.start({ target: "matches", since: "2024-05-01T12:00:00Z", match_id: "m" }, "ops");
    expect(job).toMatchObject({ target: "matches", state: "running", by: "ops", finished_at: null, request: { target: "matches", match_id: "m" } });
    expect(calls[0]!.options).toMatchObject({ from: `${Date.parse("2024-05-01T12:00:00Z")}-0`, matchId: "m" });
    expect(jobs.get(job.id).progress.entries).toBe(10);
    clock.t = 5_000;
    calls[0]!.finish({ ...emptyProgress(), entries: 99, changed: 2 });
    const done = await (async () => {
      for (;;) {
        const now = jobs.get(job.id);
        if (now.state !== "running") return now;
        await Promise.resolve();
      }
    })();
    expect(done).toMatchObject({ state: "done", finished_at: new Date(5_000).toISOString(), progress: { entries: 99, changed: 2 }, error: null });
  });

  test("one rebuild per target at a time; bad requests name the field; unknown jobs are 404", async () => {
    const { run, calls } = heldRun();
    const jobs = new RebuildJobs({ run, clock, logger: silentLogger() });
    const first = jobs.start({ target: "matches" }, "ops");
    const conflict = (() => { try { jobs.start({ target: "matches" }, "ops"); } catch (e) { return e; } })() as GameJournalError;
    expect(conflict).toBeInstanceOf(GameJournalError);
    expect([conflict.code, conflict.message]).toEqual(["CONFLICT", `a rebuild of matches is already running (job ${first.id})`]);
    expect(jobs.start({ target: "session-events" }, "ops").state).toBe("running");
    for (const [input, field] of [[{ target: "players" }, "target"], [{ target: "matches", from: "yesterday" }, "from"], [{ target: "matches", from: "1-0", since: "2024-05-01T12:00:00Z" }, "since"]] as const) {
      const error = (() => { try { jobs.start(input, "ops"); } catch (e) { return e; } })() as ValidationError;
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.field).toBe(field);
    }
    expect(() => jobs.get("nope")).toThrow(NotFoundError);
    expect(calls).toHaveLength(2);
    await jobs.stop();
    expect(jobs.get(first.id)).toMatchObject({ state: "failed", error: "the server is shutting down" });
  });

  test("a request's since becomes the first entry id at that time", () => {
    expect(rebuildOptionsOf({ target: "matches", since: "1970-01-01T00:00:01.5Z" })).toEqual({ from: "1500-0" });
    expect(rebuildOptionsOf({ target: "session-events", from: "7-3" })).toEqual({ from: "7-3" });
  });
});
