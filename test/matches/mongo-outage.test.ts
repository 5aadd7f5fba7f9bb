import { expect, test } from "bun:test";
import { sharedRedis, startMongo, uniqueName, waitFor } from "../harness/index.ts";
import { MATCH_SESSION, standardMatch, STANDARD_MATCH_SUMMARY } from "../support/match-script.ts";
import { startTestServer } from "../support/server.ts";

function metric(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : 0;
}

test("with MongoDB down the summary waits, retried with backoff, and is written when MongoDB returns; nothing is skipped", async () => {
  await using mongo = await startMongo();
  await using server = await startTestServer({ JOURNAL_REDIS_URI: (await sharedRedis()).url, MONGODB_URI: mongo.url, MONGODB_DATABASE: uniqueName("db") });
  const session = crypto.randomUUID();
  const frames = standardMatch().map(({ raw }) => JSON.parse(JSON.stringify(raw).replaceAll(MATCH_SESSION, session)));
  const expected = JSON.parse(JSON.stringify(STANDARD_MATCH_SUMMARY).replaceAll(MATCH_SESSION, session));
  const matchId = `${session}.default-node`;
  const post = (frame: unknown) =>
    fetch(`${server.url}/session-events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(frame) }).then((r) => r.json());

  for (const frame of frames.slice(0, 4)) expect(await post(frame)).toMatchObject({ success: true });
  await mongo.stop();
  // The journal (Redis) is up: the rest of the match is accepted while MongoDB is away.
  for (const frame of frames.slice(4)) expect(await post(frame)).toMatchObject({ success: true });
  await waitFor("the worker to retry", async () => metric(await (await fetch(`${server.url}/metrics`)).text(), "gamejournal_match_summary_worker_retries_total") > 0, {
    timeoutMs: 30_000,
  });
  expect((await fetch(`${server.url}/v1/matches/${matchId}`)).status).toBe(503);

  await mongo.start();
  const stored = await waitFor(
    "the summary after MongoDB returned",
    async () => {
      const res = await fetch(`${server.url}/v1/matches/${matchId}`);
      return res.status === 200 ? res.json() : null;
    },
    { timeoutMs: 40_000, intervalMs: 200 },
  );
  expect(stored).toEqual(expected);
  const dlq = await (await fetch(`${server.url}/v1/journal/events:rtapi:dlq`)).json();
  expect(dlq.events.filter((e: { data: { group: string } }) => e.data.group === "match-summaries")).toEqual([]);
}, 120_000);
