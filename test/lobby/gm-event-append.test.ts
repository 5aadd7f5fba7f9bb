import { describe, expect, test } from "bun:test";
import { TooLargeError, ValidationError } from "../../server/src/errors.ts";
import { appendGmEvent, GM_EVENT_TYPE } from "../../server/src/lobby/index.ts";
import { JOURNALS } from "../journal/journals.ts";
import { uniqueName } from "../harness/index.ts";

/** `appendGmEvent`, the embedded Game Master's way in, on both journals. */

describe.each(JOURNALS)("appendGmEvent on the %s journal", (_name, makeJournal) => {
  test("appends flat string fields as the event's data; a repeated key appends nothing", async () => {
    await using journal = await makeJournal();
    const stream = uniqueName("gm:lobby_events");
    const clock = { now: () => 1_735_732_800_000 };
    const fields = { kind: "game_finished", game_id: "game-1", finished_at_ms: "1735732800000", player_turn_stats: "[]" };
    const first = await appendGmEvent(journal, fields, { clock, stream, key: "gm-1" });
    const again = await appendGmEvent(journal, { ...fields }, { clock, stream, key: "gm-1" });
    expect(again).toMatchObject({ id: first.id, duplicate: true });
    const entries = await journal.read(stream, { count: 10 });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ id: first.id, type: GM_EVENT_TYPE, ts: 1_735_732_800_000, data: fields });
  });

  test("anything but a flat object of strings is a validation error naming the field, and appends nothing", async () => {
    await using journal = await makeJournal();
    const stream = uniqueName("gm:lobby_events");
    const clock = { now: () => 1 };
    const cases: Array<[unknown, string]> = [
      [null, "fields"],
      [["kind", "game_finished"], "fields"],
      ["kind=game_finished", "fields"],
      [{}, "fields"],
      [{ kind: "game_finished", current_turn: 3 }, "current_turn"],
      [{ kind: "game_finished", player_turn_stats: [] }, "player_turn_stats"],
      [{ kind: "game_finished", game_id: null }, "game_id"],
    ];
    for (const [fields, field] of cases) {
      const error = await appendGmEvent(journal, fields, { clock, stream }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
    }
    await expect(appendGmEvent(journal, { kind: "x".repeat(200) }, { clock, stream, maxBytes: 100 })).rejects.toBeInstanceOf(TooLargeError);
    expect(await journal.read(stream, { count: 10 })).toEqual([]);
  });
});
