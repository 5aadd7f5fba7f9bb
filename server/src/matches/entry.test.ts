import { describe, expect, test } from "bun:test";
import { PLAYER_ACTIONS_STREAM, RTAPI_STREAM } from "@gamejournal/shared";
import { asJournalEntry, MATCH_ID, scriptFrame, standardMatch, STANDARD_MATCH_SUMMARY } from "../../../test/support/match-script.ts";
import type { JournalEntry } from "../journal/journal.ts";
import { emptyAggregate } from "./aggregate.ts";
import { applyEntries, applyEntry, frameOf } from "./entry.ts";
import { toSummary } from "./summary.ts";

describe("folding journal entries", () => {
  test("folding several entries at once equals folding them one by one, and leaves the input untouched", () => {
    const entries = standardMatch().map(asJournalEntry);
    const start = applyEntry(emptyAggregate(MATCH_ID), RTAPI_STREAM, entries[0]!);
    const before = JSON.stringify(start);
    const oneByOne = entries.slice(1).reduce((agg, entry) => applyEntry(agg, RTAPI_STREAM, entry), start);
    const atOnce = applyEntries(start, RTAPI_STREAM, entries.slice(1));
    expect(atOnce).toEqual(oneByOne);
    expect(JSON.stringify(start)).toBe(before);
    expect(toSummary(atOnce)).toEqual(STANDARD_MATCH_SUMMARY);
    // Entries already folded are skipped: the same aggregate comes back.
    expect(applyEntries(atOnce, RTAPI_STREAM, entries.slice(0, 3))).toBe(atOnce);
  });

  test("the scripted match, read back from the journal, folds to the expected summary", () => {
    const agg = standardMatch().map(asJournalEntry).reduce((a, entry) => applyEntry(a, RTAPI_STREAM, entry), emptyAggregate(MATCH_ID));
    expect(toSummary(agg)).toEqual(STANDARD_MATCH_SUMMARY);
  });

  test("telemetry that is not a frame moves the position on and changes nothing else", () => {
    const first = applyEntry(emptyAggregate(MATCH_ID), RTAPI_STREAM, asJournalEntry(standardMatch()[0]!));
    const other: JournalEntry = { id: "9999999999999-0", type: "telemetry", ts: 9_999_999_999_999, data: { event_type: "player_movement" } };
    const after = applyEntry(first, RTAPI_STREAM, other);
    expect(after.positions).toEqual({ [RTAPI_STREAM]: other.id });
    expect(after.entries).toBe(2);
    expect(toSummary(after)).toEqual(toSummary(first));
    expect(applyEntry(after, RTAPI_STREAM, other)).toBe(after);
  });

  test("player actions fold as actions, with the journal's time", () => {
    const entry: JournalEntry = { id: "1714564800000-3", type: "player_joined", user_id: "u1", match_id: MATCH_ID, ts: 1_714_564_800_000, data: { display_name: "a", team: "orange" } };
    const agg = applyEntry(emptyAggregate(MATCH_ID), PLAYER_ACTIONS_STREAM, entry);
    expect(toSummary(agg).evr_match_presences).toEqual([
      { player_id: "u1", user_id: "u1", account_number: "", display_name: "a", team: "orange", joined_at: "2024-05-01T12:00:00.000Z", left_at: null },
    ]);
  });

  test("reads a frame bare or in an envelope, in either naming, without its bones", () => {
    const { raw } = scriptFrame({ second: 0 });
    const camel = { frameIndex: 0, timestamp: raw.timestamp, session: { sessionID: (raw.session as { sessionid: string }).sessionid, gameStatus: "playing" }, playerBones: { big: true } };
    expect(frameOf({ frame: raw })).toEqual(frameOf(raw));
    expect(frameOf(camel)).toMatchObject({ frame_index: 0, session: { session_id: expect.any(String), game_status: "playing" } });
    expect(frameOf(camel)).not.toHaveProperty("player_bones");
    for (const notAFrame of [null, "text", [1], { session: { sessionid: "not-a-uuid" } }]) expect(frameOf(notAFrame)).toBeNull();
  });
});
