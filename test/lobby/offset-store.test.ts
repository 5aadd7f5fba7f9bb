import { describe, expect, test } from "bun:test";
import { ValidationError } from "../../server/src/errors.ts";
import { LOBBY_STORE_BACKENDS as backends } from "./backends.ts";

/** The one contract suite of `OffsetStore`, on every adapter against its real backend. */

describe.each(backends)("OffsetStore on %s", (_name, makeFixture) => {
  test("load finds nothing until a save; then the last saved id, per label, also over a new connection", async () => {
    await using fx = await makeFixture();
    const { offsets } = await fx.open();
    expect(await offsets.load("gm_lobby_events")).toEqual({ id: "", found: false });
    await offsets.save("gm_lobby_events", "1700000000000-0");
    await offsets.save("gm_lobby_events", "1700000000005-3");
    await offsets.save("other", "1-1");
    expect(await offsets.load("gm_lobby_events")).toEqual({ id: "1700000000005-3", found: true });
    expect(await (await fx.open()).offsets.load("gm_lobby_events")).toEqual({ id: "1700000000005-3", found: true });
    expect(await offsets.load("other")).toEqual({ id: "1-1", found: true });
  });

  test("concurrent first saves of a label leave one of their ids and none fails", async () => {
    await using fx = await makeFixture();
    const { offsets } = await fx.open();
    const ids = Array.from({ length: 10 }, (_, i) => `${i + 1}-0`);
    await Promise.all(ids.map((id) => offsets.save("race", id)));
    const { id, found } = await offsets.load("race");
    expect(found).toBe(true);
    expect(ids).toContain(id);
  });

  test("a bad label or id is a validation error naming it, and saves nothing", async () => {
    await using fx = await makeFixture();
    const { offsets } = await fx.open();
    for (const [label, id, field] of [["", "1-0", "label"], ["has space", "1-0", "label"], ["ok", "x", "id"], ["ok", "1-", "id"]] as const) {
      const error = await offsets.save(label, id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
    }
    expect(await offsets.load("ok")).toEqual({ id: "", found: false });
  });
});
