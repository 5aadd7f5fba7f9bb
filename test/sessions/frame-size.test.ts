import { expect, test } from "bun:test";
import { startTestServer } from "../support/server.ts";
import { agentFrame, newSession, postJson, waitForStored } from "./ingest-fixtures.ts";

test("a frame with bones larger than an ordinary event's limit is accepted and stored by default", async () => {
  await using server = await startTestServer();
  const session = newSession();
  // Ten players' bones run to tens of kilobytes: over the 64 KiB event limit, under FRAME_MAX_BYTES (1 MiB).
  const bones = { user_bones: Array.from({ length: 10 }, (_, p) => ({ playerid: p, bone_t: { v: Array.from({ length: 2_000 }, (_, i) => i / 7) } })) };
  const frame = { ...agentFrame(session, 0), player_bones: bones };
  expect(JSON.stringify(frame).length).toBeGreaterThan(64 * 1024);
  const res = await postJson(server, "/session-events", frame);
  expect(res).toEqual({ status: 200, body: { success: true, match_id: `${session}.default-node` } });
  const [stored] = await waitForStored(server, session, 1);
  expect((stored as { frame: { player_bones: unknown } }).frame.player_bones).toEqual(bones);
});
