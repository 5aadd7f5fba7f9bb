/**
 * How match summarization spreads over instances: one Redis, one MongoDB
 * database, 1 or 3 `serve` processes, 1 or 8 partitions. For each case the
 * instances start and settle (every partition held), then a backlog of
 * whole matches is appended straight to `events:rtapi` (as ingest writes
 * frames) and the clock runs until every match's summary is stored. Prints
 * frames folded per second and the summaries each instance wrote.
 * With one instance the documents may be SQLite (its DATA_DIR): the cost
 * of the fold and of each partition reading the streams, without MongoDB's.
 *
 *   bun bench/summaries-spread.ts [matches=48] [framesPerMatch=240]
 *
 * Not a test: it asserts nothing. On a machine with fewer cores than
 * instances the processes share CPUs, so compare the cases of one run.
 */
import { FrameSchema, normalizeKeys } from "@gamejournal/shared";
import { createClient } from "redis";
import type { RedisClient } from "../server/src/backends/index.ts";
import { RedisJournal } from "../server/src/journal/redis-journal.ts";
import { silentLogger } from "../server/src/log.ts";
import { frameWrite } from "../server/src/sessions/ingest.ts";
import { startMongo, startRedis, uniqueName, waitFor } from "../test/harness/index.ts";
import { longMatch } from "../test/matches/long-match.ts";
import { metric, startInstances } from "../test/matches/instances.ts";

const matchCount = Number(process.argv[2] ?? 48);
const framesPerMatch = Number(process.argv[3] ?? 240);
// SQLite documents (each instance its own DATA_DIR) only with one instance: the fold and the reads without MongoDB's cost.
const cases = [
  { instances: 1, partitions: 1, documents: "sqlite" },
  { instances: 1, partitions: 8, documents: "sqlite" },
  { instances: 1, partitions: 1, documents: "mongodb" },
  { instances: 1, partitions: 8, documents: "mongodb" },
  { instances: 3, partitions: 8, documents: "mongodb" },
];

await using mongo = await startMongo();
const results = [];
for (const { instances: count, partitions, documents } of cases) {
  await using redis = await startRedis({ appendfsync: "everysec" });
  const database = uniqueName("spread");
  const env = {
    JOURNAL_REDIS_URI: redis.url,
    ...(documents === "mongodb" ? { MONGODB_URI: mongo.url, MONGODB_DATABASE: database } : {}),
    MATCH_PARTITIONS: String(partitions),
    MATCH_PARTITION_LEASE_TTL_SECONDS: "3",
  };
  await using instances = await startInstances(count, env);
  await waitFor("every partition held", async () => (await Promise.all(instances.map((i) => metric(i.url, "gamejournal_match_partitions_held")))).reduce((a, b) => a + b) === partitions, { timeoutMs: 60_000 });
  if (count > 1) {
    const share = Math.ceil(partitions / count);
    await waitFor("the partitions spread", async () => (await Promise.all(instances.map((i) => metric(i.url, "gamejournal_match_partitions_held")))).every((n) => n > 0 && n <= share), { timeoutMs: 60_000 });
  }
  const held = await Promise.all(instances.map((i) => metric(i.url, "gamejournal_match_partitions_held")));

  const client = createClient({ url: redis.url }) as RedisClient;
  await client.connect();
  const journal = new RedisJournal(client, silentLogger());
  const perRound = 60;
  const matches = Array.from({ length: matchCount }, () => longMatch(crypto.randomUUID(), { rounds: Math.max(1, Math.round(framesPerMatch / perRound)), perRound }));
  const frames = matches[0]!.length;
  const started = performance.now();
  // Interleaved as live matches would arrive, in appends of one frame of each match.
  for (let f = 0; f < frames; f++) {
    await journal.append(matches.map((m) => frameWrite(FrameSchema.parse(normalizeKeys(m[f]!)), { userId: "bench", node: "default-node" }, Date.now())));
  }
  const appendedMs = performance.now() - started;
  const writtenTotal = async () => (await Promise.all(instances.map((i) => metric(i.url, "gamejournal_match_summaries_written_total")))).reduce((a, b) => a + b);
  await waitFor("every summary stored", async () => (await writtenTotal()) >= matchCount, { timeoutMs: 600_000, intervalMs: 50 });
  const seconds = (performance.now() - started) / 1000;
  const written = await Promise.all(instances.map((i) => metric(i.url, "gamejournal_match_summaries_written_total")));
  const row = {
    instances: count,
    partitions,
    documents,
    frames: matchCount * frames,
    append_seconds: +(appendedMs / 1000).toFixed(2),
    seconds: +seconds.toFixed(2),
    frames_per_second: Math.round((matchCount * frames) / seconds),
    partitions_held: held,
    summaries_written: written,
  };
  results.push(row);
  console.error(JSON.stringify(row));
  await journal.close();
  client.destroy();
}
console.log(JSON.stringify(results, null, 2));
