import { describe, expect, test } from "bun:test";
import { RTAPI_STREAM, type MatchSummary } from "@gamejournal/shared";
import { closeClient, createClient } from "../../client/src/index.ts";
import { waitFor } from "../harness/index.ts";
import { MATCH_SESSION, standardMatch } from "../support/match-script.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { DEPLOYMENTS } from "./deployments.ts";
import { SCENARIOS } from "./scenarios.ts";

/** Frames (as sent on the wire) of a scripted match under a session of its own. */
function frames(raw: Array<Record<string, unknown>>) {
  const session = crypto.randomUUID();
  return { matchId: `${session}.default-node`, frames: raw.map((f) => JSON.parse(JSON.stringify(f).replaceAll(MATCH_SESSION, session)) as Record<string, unknown>) };
}

const walkOut = SCENARIOS.find((s) => s.name.startsWith("a forfeit-like early end"))!;
const get = async (server: TestServer, path: string) => {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, body: await res.json() };
};

for (const [name, deploy] of DEPLOYMENTS) {
  describe(`match queries and the admin API on ${name}`, () => {
    test("goals, participants and outcomes, a player's lines, abandon counts and label filters, over REST, tRPC and GraphQL", async () => {
      await using deployment = await deploy();
      await using server = await startTestServer(deployment.env);
      const post = (frame: unknown) => fetch(`${server.url}/session-events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(frame) });
      const standard = frames(standardMatch().map((f) => f.raw));
      // The walk-out's frames, then the server ends the match (the scenario's last entry is that end).
      const walked = frames(walkOut.entries.filter(([stream]) => stream === RTAPI_STREAM).map(([, entry]) => entry.data as Record<string, unknown>));
      for (const frame of [...standard.frames, ...walked.frames]) expect((await post(frame)).status).toBe(200);
      const admin = createClient({ url: server.url, token: await server.services.auth.sign("ops") });
      const anonymous = createClient({ url: server.url });
      try {
        await admin.matches.end.mutate({ matchId: walked.matchId });
        const summary = (await waitFor("the walk-out's summary", () => admin.matches.get.query({ matchId: walked.matchId }).catch(() => null))) as MatchSummary;
        expect(summary.outcome).toEqual({ winner: "blue", decided_by: "forfeit", final_score: { blue: 0, orange: 3 }, end_reason: "explicit" });
        expect(summary.participants.map((p) => [p.player_id, p.state])).toEqual([["1", "present"], ["2", "abandoned"], ["3", "abandoned"]]);
        await waitFor("the standard match's summary", async () => (await get(server, `/v1/matches/${standard.matchId}`)).status === 200);

        // REST
        expect((await get(server, "/v1/players/2/matches")).body).toEqual({
          items: [expect.objectContaining({ match_id: walked.matchId, team: "orange", goals: 1, points: 3, result: "loss", state: "abandoned", abandoned: true })],
          next_cursor: null,
        });
        expect((await get(server, "/v1/players/1003/matches")).body.items).toEqual([
          expect.objectContaining({ match_id: standard.matchId, team: "orange", goals: 1, saves: 1, result: "loss", abandoned: false }),
        ]);
        expect((await get(server, "/v1/abandons")).body).toEqual({
          items: [
            { player_id: "2", display_name: "bravo", abandoned: 1, matches: 1 },
            { player_id: "3", display_name: "charlie", abandoned: 1, matches: 1 },
          ],
        });
        expect((await get(server, "/v1/abandons?player=1001&from=2024-05-01T00:00:00Z&to=2024-05-02T00:00:00Z")).body.items).toEqual([
          { player_id: "1001", display_name: "alpha", abandoned: 0, matches: 1 },
        ]);
        expect((await get(server, "/v1/matches?map=mpl_arena_a&match_type=Echo_Arena")).body.items.map((s: MatchSummary) => s.match_id).sort()).toEqual(
          [standard.matchId, walked.matchId].sort(),
        );
        expect((await get(server, "/v1/matches?map=mpl_combat_dyson")).body.items).toEqual([]);
        for (const [path, field] of [["/v1/abandons?limit=0", "limit"], ["/v1/matches?map=", "map"], ["/v1/players/1003/matches?from=soon", "from"]] as const) {
          expect(await get(server, path)).toMatchObject({ status: 400, body: { success: false, field } });
        }

        // tRPC, typed
        const lines = await anonymous.matches.playerMatches.query({ playerId: "3" });
        expect(lines.items.map((l) => [l.match_id, l.abandoned, l.result])).toEqual([[walked.matchId, true, "loss"]]);
        expect((await anonymous.matches.abandonCounts.query({ playerId: "2" })).items).toEqual([{ player_id: "2", display_name: "bravo", abandoned: 1, matches: 1 }]);
        expect((await anonymous.matches.list.query({ map: "mpl_arena_a", playerId: "1001" })).items.map((s) => s.match_id)).toEqual([standard.matchId]);
        const full = await anonymous.matches.get.query({ matchId: standard.matchId });
        expect(full.goals.map((g) => [g.round, g.scorer, g.assist])).toEqual([[1, "alpha", ""], [2, "charlie", ""], [3, "alpha", "bravo"]]);
        expect(full.player_totals.find((t) => t.player_id === "1001")).toMatchObject({ goals: 2, points: 4, rounds: 3 });
        await expect(anonymous.matches.abandonCounts.query({ limit: 0 })).rejects.toMatchObject({ data: { httpStatus: 400, field: "limit" } });

        // GraphQL
        const gql = await fetch(`${server.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            query: `{ matchSummary(matchId: "${standard.matchId}") {
                        goals { round scorer scorer_id assist game_clock points at }
                        participants { player_id state left_at playing_seconds team_switches { from to } }
                        outcome { winner decided_by final_score { blue orange } end_reason }
                        player_totals { player_id goals rounds } }
                      matchSummaries(map: "mpl_arena_a", matchType: "Echo_Arena", player: "2") { items { match_id } }
                      playerMatches(player: "2") { items { match_id result abandoned state } next_cursor }
                      abandonCounts(from: "2024-05-01T00:00:00Z") { player_id abandoned matches } }`,
          }),
        });
        const { data, errors } = await gql.json();
        expect(errors).toBeUndefined();
        expect(data.matchSummary.goals[2]).toEqual({ round: 3, scorer: "alpha", scorer_id: "1001", assist: "bravo", game_clock: 245.25, points: 2, at: "2024-05-01T12:03:00.000Z" });
        expect(data.matchSummary.participants.at(-1)).toEqual({ player_id: "1005", state: "left", left_at: "2024-05-01T12:01:00.000Z", playing_seconds: 0, team_switches: [] });
        expect(data.matchSummary.outcome).toEqual({ winner: "blue", decided_by: "game", final_score: { blue: 4, orange: 3 }, end_reason: "match_ended" });
        expect(data.matchSummary.player_totals[0]).toEqual({ player_id: "1001", goals: 2, rounds: 3 });
        expect(data.matchSummaries.items).toEqual([{ match_id: walked.matchId }]);
        expect(data.playerMatches).toEqual({ items: [{ match_id: walked.matchId, result: "loss", abandoned: true, state: "abandoned" }], next_cursor: null });
        expect(data.abandonCounts).toEqual([{ player_id: "2", abandoned: 1, matches: 1 }, { player_id: "3", abandoned: 1, matches: 1 }]);
      } finally {
        await closeClient(admin);
        await closeClient(anonymous);
      }
    });

    test("the admin rebuild needs a token, names a bad field, and answers its job", async () => {
      await using deployment = await deploy();
      await using server = await startTestServer(deployment.env);
      const token = await server.services.auth.sign("ops");
      const rebuild = (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${token}` }) =>
        fetch(`${server.url}/v1/admin/rebuild`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
      expect((await rebuild({ target: "matches" }, {})).status).toBe(401);
      expect((await rebuild({ target: "matches" }, { authorization: "Bearer not-a-token" })).status).toBe(401);
      expect(await (await rebuild({ target: "players" })).json()).toMatchObject({ success: false, field: "target" });
      expect(await (await rebuild({ target: "matches", since: "1h" })).json()).toMatchObject({ success: false, field: "since" });
      expect((await fetch(`${server.url}/v1/admin/rebuild/nope`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
      expect((await fetch(`${server.url}/v1/admin/rebuild/nope`)).status).toBe(401);

      const anonymous = createClient({ url: server.url });
      const admin = createClient({ url: server.url, token });
      try {
        await expect(anonymous.matches.rebuild.mutate({ target: "session-events" })).rejects.toMatchObject({ data: { httpStatus: 401 } });
        const job = await admin.matches.rebuild.mutate({ target: "session-events" });
        expect(job).toMatchObject({ target: "session-events", by: "ops", request: { target: "session-events" } });
        const done = await waitFor("the job", async () => {
          const now = await admin.matches.rebuildJob.query({ jobId: job.id });
          return now.state === "running" ? null : now;
        });
        expect(done).toMatchObject({ state: "done", error: null, progress: { entries: 0, changed: 0 } });
      } finally {
        await closeClient(anonymous);
        await closeClient(admin);
      }
    });

    test("with AUTH_MODE=token, rebuilding needs the admin scope and the queries the read scope", async () => {
      await using deployment = await deploy();
      await using server = await startTestServer({ ...deployment.env, AUTH_MODE: "token" });
      const as = async (scopes: Array<"read" | "admin" | "ingest">) => ({ authorization: `Bearer ${await server.services.auth.sign("ops", { scopes })}` });
      const rebuild = async (headers: Record<string, string>) =>
        (await fetch(`${server.url}/v1/admin/rebuild`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ target: "matches" }) })).status;
      expect(await rebuild(await as(["read", "ingest"]))).toBe(403);
      expect(await rebuild(await as(["admin"]))).toBe(202);
      const abandons = async (headers: Record<string, string>) => (await fetch(`${server.url}/v1/abandons`, { headers })).status;
      expect(await abandons({})).toBe(401);
      expect(await abandons(await as(["ingest"]))).toBe(403);
      expect(await abandons(await as(["read"]))).toBe(200);
      expect((await fetch(`${server.url}/v1/players/1001/matches`, { headers: await as(["read"]) })).status).toBe(200);
    });
  });
}
