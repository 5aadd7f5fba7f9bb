import { describe, expect, test } from "bun:test";
import type { Session } from "../../../shared/src/frames.ts";
import { createFrameBuilder, type FrameFilter } from "./frame-builder.ts";

const A = "0f4d7a52-3c59-4d2b-9a3e-8f8b0d3f6a11";
const B = "1e5c8b63-4d6a-4e3c-8b4f-9a9c1e4a7b22";
const filter = (over: Partial<FrameFilter> = {}): FrameFilter => ({ allFrames: false, activeOnly: false, excludePaused: false, includeModes: [], excludeModes: [], ...over });
const snap = (sessionId: string, game_status: string, players: string[] = ["alice"], match_type = "Echo_Arena") => ({
  sessionId,
  session: {
    session_id: sessionId,
    game_status,
    match_type,
    teams: [{ team_name: "BLUE TEAM", players: players.map((name, i) => ({ display_name: name, slot_number: i, account_number: String(100 + i) })) }],
  } as Session,
});

describe("frame builder", () => {
  test("numbers the frames it lets through from 0, stamps RFC 3339 times, and starts over on a new session", () => {
    const builder = createFrameBuilder(filter());
    const t = Date.UTC(2025, 4, 1, 12, 0, 0, 250);
    const first = builder.next(snap(A, "pre_match"), { user_bones: [] }, t);
    expect(first).toMatchObject({ frame_index: 0, timestamp: "2025-05-01T12:00:00.250Z", player_bones: { user_bones: [] } });
    expect(builder.next(snap(A, "pre_match"), undefined, t + 100)).toBeUndefined(); // nothing happened
    expect(builder.next(snap(A, "pre_match", ["alice", "bob"]), undefined, t + 200)).toMatchObject({ frame_index: 1, events: [{ player_joined: {} }] });
    const other = builder.next(snap(B, "pre_match", ["carol"]), undefined, t + 300);
    expect(other).toMatchObject({ frame_index: 0, session: { session_id: B } });
    expect(other!.events).toHaveLength(1); // carol joined B; A's roster is not compared with B's
    expect(builder.sessionId).toBe(B);
  });

  test("--all-frames lets frames without events through; held-back frames still count as the previous snapshot", () => {
    const all = createFrameBuilder(filter({ allFrames: true }));
    expect([0, 1, 2].map((i) => all.next(snap(A, "playing"), undefined, i)?.frame_index)).toEqual([0, 1, 2]);

    const active = createFrameBuilder(filter({ activeOnly: true }));
    expect(active.next(snap(A, "pre_match"), undefined, 0)).toBeUndefined();
    // bob joined while in pre_match: held back, and not reported again once play starts.
    expect(active.next(snap(A, "pre_match", ["alice", "bob"]), undefined, 1)).toBeUndefined();
    expect(active.next(snap(A, "playing", ["alice", "bob"]), undefined, 2)).toMatchObject({ frame_index: 0, events: [{ round_started: { round_number: 1 } }] });
  });

  test("active-only keeps paused frames unless excludePaused; match types filter case-insensitively", () => {
    const paused = (f: FrameFilter) => {
      const builder = createFrameBuilder({ ...f, allFrames: true });
      builder.next(snap(A, "playing"), undefined, 0);
      return builder.next(snap(A, "paused"), undefined, 1);
    };
    expect(paused(filter({ activeOnly: true }))).toBeDefined();
    expect(paused(filter({ activeOnly: true, excludePaused: true }))).toBeUndefined();
    const mode = (f: FrameFilter) => createFrameBuilder(f).next(snap(A, "playing", ["alice"], "Echo_Arena_Private"), undefined, 0);
    expect(mode(filter({ includeModes: ["echo_arena_private"] }))).toBeDefined();
    expect(mode(filter({ includeModes: ["echo_arena"] }))).toBeUndefined();
    expect(mode(filter({ excludeModes: ["ECHO_ARENA_PRIVATE"] }))).toBeUndefined();
  });
});
