import { describe, expect, test } from "bun:test";
import { RTAPI_STREAM, type MatchSummary, type RebuildJob } from "@gamejournal/shared";
import { closeClient, createClient } from "../../client/src/index.ts";
import type { Journal, JournalEntry } from "../../server/src/journal/journal.ts";
import { applyEntry, emptyAggregate, matchIdOf, toSummary } from "../../server/src/matches/index.ts";
import { waitFor } from "../harness/index.ts";
import { MATCH_SESSION, standardMatch } from "../support/match-script.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

import { DEPLOYMENTS } from "./deployments.ts";

/** Rebuilds through the running server (the admin API) and the CLI, on both deployments. */

/** The standard match's frames under a session of its own. */
function freshMatch() {
  const session = crypto.randomUUID();
  const frames = standardMatch().map(({ raw }) => JSON.parse(JSON.stringify(raw).replaceAll(MATCH_SESSION, session)) as Record<string, unknown>);
  return { frames, matchId: `${session}.default-node` };
}

async function post(server: TestServer, frame: unknown): Promise<void> {
  const res = await fetch(`${server.url}/session-events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(frame) });
  expect(res.status).toBe(200);
}

async function summaryOf(server: TestServer, matchId: string): Promise<MatchSummary | null> {
  const res = await fetch(`${server.url}/v1/matches/${matchId}`);
  return res.status === 200 ? ((await res.json()) as MatchSummary) : null;
}

/** The summary a clean, single pass over the match's journal entries gives (read straight from the journal, folded in id order). */
async function cleanFold(journal: Journal, matchId: string): Promise<MatchSummary> {
  let aggregate = emptyAggregate(matchId);
  let after: string | undefined;
  for (;;) {
    const page: JournalEntry[] = await journal.read(RTAPI_STREAM, { ...(after ? { after } : {}), count: 500 });
    for (const entry of page) if (matchIdOf(entry) === matchId) aggregate = applyEntry(aggregate, RTAPI_STREAM, entry);
    if (page.length < 500) return toSummary(aggregate);
    after = page.at(-1)!.id;
  }
}

async function rebuildOverRest(server: TestServer, token: string, body: unknown): Promise<RebuildJob> {
  const res = await fetch(`${server.url}/v1/admin/rebuild`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(res.status).toBe(202);
  const started = (await res.json()) as RebuildJob;
  return waitFor(
    "the rebuild to finish",
    async () => {
      const job = (await (await fetch(`${server.url}/v1/admin/rebuild/${started.id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as RebuildJob;
      return job.state === "running" ? null : job;
    },
    { timeoutMs: 30_000 },
  );
}

for (const [name, deploy] of DEPLOYMENTS) {
  describe(`rebuilding from the journal on ${name}`, () => {
    test("a rebuild running beside live ingest leaves every summary equal to a clean fold, and restores one changed by hand", async () => {
      await using deployment = await deploy();
      await using server = await startTestServer(deployment.env);
      const token = await server.services.auth.sign("operator");
      const earlier = [freshMatch(), freshMatch()];
      for (const match of earlier) for (const frame of match.frames) await post(server, frame);
      for (const { matchId } of earlier) await waitFor("an earlier summary", () => summaryOf(server, matchId));
      await deployment.editByHand(server, earlier[0]!.matchId, { players: ["nobody"], duration_seconds: 7, match_label: "{}" });

      // Four matches ingested frame by frame, interleaved, while rebuilds run one after another.
      const later = [freshMatch(), freshMatch(), freshMatch(), freshMatch()];
      let ingesting = true;
      const ingest = (async () => {
        for (let i = 0; i < later[0]!.frames.length; i++) for (const match of later) await post(server, match.frames[i]);
        ingesting = false;
      })();
      const jobs: RebuildJob[] = [];
      do jobs.push(await rebuildOverRest(server, token, { target: "matches" }));
      while (ingesting);
      await ingest;
      expect(jobs.every((job) => job.state === "done")).toBe(true);
      expect(jobs[0]!.progress.changed).toBeGreaterThanOrEqual(1);

      const all = [...earlier, ...later];
      for (const { matchId } of all) await waitFor("every summary", () => summaryOf(server, matchId));
      const journal = server.services.journal.journal;
      for (const { matchId } of all) expect(await summaryOf(server, matchId)).toEqual(await cleanFold(journal, matchId));

      // Nothing left to change: a last rebuild finds every summary equal.
      const last = await rebuildOverRest(server, token, { target: "matches" });
      expect(last.progress).toMatchObject({ matches: all.length, changed: 0, unchanged: all.length, skipped: { open: 0, partial: 0 } });
      expect(last.progress.entries).toBe(all.length * standardMatch().length);
    }, 120_000);

    test("the CLI rebuilds against the running server's backends, printing its progress", async () => {
      await using deployment = await deploy();
      await using server = await startTestServer(deployment.env);
      const match = freshMatch();
      for (const frame of match.frames) await post(server, frame);
      const original = await waitFor("the summary", () => summaryOf(server, match.matchId));
      await waitFor("the session events", async () => (await (await fetch(`${server.url}/session-events/${match.matchId}`)).json()).count === match.frames.length);
      await deployment.editByHand(server, match.matchId, { goals: [], outcome: null, created_at: "2020-01-01T00:00:00.000Z" });
      await deployment.deleteSessionEvents(server, match.matchId);
      expect((await fetch(`${server.url}/session-events/${match.matchId}`)).status).toBe(404);

      const cli = (...args: string[]) =>
        Bun.spawn(["bun", "server/src/main.ts", "rebuild", ...args], { env: { ...process.env, ...deployment.env, DATA_DIR: server.dataDir, LOG_LEVEL: "error" }, stdout: "pipe", stderr: "pipe" });
      const matches = cli("matches", "--match", match.matchId);
      const [out, err, code] = await Promise.all([new Response(matches.stdout).text(), new Response(matches.stderr).text(), matches.exited]);
      expect({ code, err }).toEqual({ code: 0, err: "" });
      expect(out.trim().split("\n").at(-1)).toMatch(
        /^rebuild matches done in \d+\.\d s: 9 entries, \d+ entries\/s, lag 0\.0 s; 1 matches: 1 summaries changed, 0 unchanged, skipped 0 open \/ 0 partial$/,
      );
      expect(await summaryOf(server, match.matchId)).toEqual(original);

      const events = cli("session-events", "--since", "1h");
      const [eventsOut, , eventsCode] = await Promise.all([new Response(events.stdout).text(), new Response(events.stderr).text(), events.exited]);
      expect(eventsCode).toBe(0);
      expect(eventsOut.trim().split("\n").at(-1)).toMatch(/^rebuild session-events done in \d+\.\d s: 9 entries, .*; 1 matches: 9 events restored, 0 already stored$/);
      expect((await (await fetch(`${server.url}/session-events/${match.matchId}`)).json()).count).toBe(match.frames.length);

      const bad = cli("players");
      expect([await bad.exited, await new Response(bad.stderr).text()]).toEqual([2, "error: <target> must be matches or session-events\n"]);
    }, 120_000);
  });
}
