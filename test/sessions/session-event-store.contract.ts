import { describe, expect, test } from "bun:test";
import { ValidationError } from "../../server/src/errors.ts";
import { toMatchId } from "@gamejournal/shared";
import { cursorOf, type SessionEvent, type SessionEventStore } from "../../server/src/sessions/index.ts";
import { eventOf, LOBBY_A, LOBBY_B } from "./fixtures.ts";

export interface StoreFixture extends AsyncDisposable {
  store: SessionEventStore;
}

const ids = (events: SessionEvent[]) => events.map((e) => e.id);

/** Reads every page of a lobby session `limit` at a time, following `next_after`. */
async function readAllPages(store: SessionEventStore, lobby: string, limit: number): Promise<{ events: SessionEvent[]; pages: number }> {
  const events: SessionEvent[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    const page = await store.byLobbySession(lobby, { limit, after });
    pages++;
    events.push(...page.events);
    after = page.next_after;
  } while (after !== undefined && pages < 100);
  return { events, pages };
}

/**
 * The behaviour every SessionEventStore adapter must have. `open` gives a
 * fresh, initialised store over an empty collection or table.
 */
export function sessionEventStoreContract(name: string, open: () => Promise<StoreFixture>): void {
  describe(`SessionEventStore contract: ${name}`, () => {
    test("stores an event and reads it back unchanged", async () => {
      await using f = await open();
      const event = eventOf({ index: 3, node: "node-1" });
      expect(await f.store.store(event)).toEqual({ stored: 1 });
      const page = await f.store.byLobbySession(LOBBY_A);
      expect(page).toEqual({ events: [event] });
      expect(page.events[0]!.timestamp).toBeInstanceOf(Date);
      expect(page.events[0]!.match_id).toBe(`${LOBBY_A}.node-1`);
      expect(page.events[0]!.event_types).toEqual(["round_started"]);
    });

    test("a frame delivered twice is stored once and keeps its first created_at", async () => {
      await using f = await open();
      const first = eventOf({ index: 1, storedAt: Date.parse("2025-03-01T13:00:00Z") });
      const again = eventOf({ index: 1, storedAt: Date.parse("2025-03-01T14:00:00Z") });
      expect(again.id).toBe(first.id);
      expect(await f.store.store(first)).toEqual({ stored: 1 });
      expect(await f.store.store(again)).toEqual({ stored: 0 });
      expect(await f.store.store([again, first])).toEqual({ stored: 0 });
      const { events } = await f.store.byLobbySession(LOBBY_A);
      expect(events).toHaveLength(1);
      expect(events[0]!.created_at.toISOString()).toBe("2025-03-01T13:00:00.000Z");
    });

    test("repeats inside one batch are stored once, new events beside them are stored", async () => {
      await using f = await open();
      const a = eventOf({ index: 1 });
      const b = eventOf({ index: 2 });
      expect(await f.store.store([a, a, b, a])).toEqual({ stored: 2 });
      expect(await f.store.store([a, eventOf({ index: 3 }), b])).toEqual({ stored: 1 });
      expect(await f.store.countByLobbySession(LOBBY_A)).toBe(3);
    });

    test("frames differing in user, node, frame index or timestamp are different events", async () => {
      await using f = await open();
      const events = [
        eventOf({ index: 1, ms: 100 }),
        eventOf({ index: 1, ms: 100, user: "user-2" }),
        eventOf({ index: 1, ms: 100, node: "node-2" }),
        eventOf({ index: 2, ms: 100 }),
        eventOf({ index: 1, ms: 101 }),
      ];
      expect(new Set(ids(events)).size).toBe(5);
      expect(await f.store.store(events)).toEqual({ stored: 5 });
      expect(await f.store.countByLobbySession(LOBBY_A)).toBe(5);
    });

    test("an empty batch stores nothing", async () => {
      await using f = await open();
      expect(await f.store.store([])).toEqual({ stored: 0 });
    });

    test("reads in frame order: timestamp, then frame index, whatever the write order", async () => {
      await using f = await open();
      const inOrder = [
        eventOf({ index: 5, ms: 0 }),
        eventOf({ index: 1, ms: 500 }),
        eventOf({ index: 2, ms: 500 }),
        eventOf({ index: 9, ms: 500 }),
        eventOf({ index: 0, ms: 900 }),
      ];
      for (const i of [3, 0, 4, 2, 1]) await f.store.store(inOrder[i]!);
      expect(ids((await f.store.byLobbySession(LOBBY_A)).events)).toEqual(ids(inOrder));
    });

    test("byMatch returns one node's events of a lobby session, byLobbySession every node's", async () => {
      await using f = await open();
      const n1 = [eventOf({ index: 1, node: "n1" }), eventOf({ index: 2, node: "n1" })];
      const n2 = [eventOf({ index: 1, node: "n2" })];
      const other = eventOf({ lobby: LOBBY_B, index: 1, node: "n1" });
      await f.store.store([...n1, ...n2, other]);
      expect(ids((await f.store.byMatch(toMatchId(LOBBY_A, "n1"))).events)).toEqual(ids(n1));
      expect(ids((await f.store.byMatch(toMatchId(LOBBY_A, "n2"))).events)).toEqual(ids(n2));
      expect(await f.store.countByMatch(toMatchId(LOBBY_A, "n1"))).toBe(2);
      expect(await f.store.countByLobbySession(LOBBY_A)).toBe(3);
      expect(await f.store.countByLobbySession(LOBBY_B)).toBe(1);
      expect((await f.store.byLobbySession(LOBBY_A)).events.map((e) => e.node).sort()).toEqual(["n1", "n1", "n2"]);
    });

    test("pages with `after` walk a long session in order without gaps or repeats", async () => {
      await using f = await open();
      // Ties on timestamp and on frame index too, so the order needs its last key (id).
      const all = Array.from({ length: 23 }, (_, i) => eventOf({ index: i % 4, ms: Math.floor(i / 2) * 10, user: `u${i}` }));
      await f.store.store(all);
      const expected = ids((await f.store.byLobbySession(LOBBY_A)).events);
      expect(expected).toHaveLength(23);
      const { events, pages } = await readAllPages(f.store, LOBBY_A, 5);
      expect(pages).toBe(5);
      expect(ids(events)).toEqual(expected);
    });

    test("the last page has no next_after; a page exactly filling the limit has none when nothing follows", async () => {
      await using f = await open();
      await f.store.store([eventOf({ index: 1 }), eventOf({ index: 2 })]);
      const first = await f.store.byLobbySession(LOBBY_A, { limit: 1 });
      expect(first.events).toHaveLength(1);
      expect(first.next_after).toBeString();
      const second = await f.store.byLobbySession(LOBBY_A, { limit: 1, after: first.next_after });
      expect(second.events.map((e) => e.frame_index)).toEqual([2]);
      expect(second.next_after).toBeUndefined();
      expect(await f.store.byLobbySession(LOBBY_A, { limit: 2 })).not.toHaveProperty("next_after");
    });

    test("a cursor stays valid while the session grows and while frames are redelivered", async () => {
      await using f = await open();
      await f.store.store([eventOf({ index: 1 }), eventOf({ index: 2 }), eventOf({ index: 3 })]);
      const first = await f.store.byLobbySession(LOBBY_A, { limit: 2 });
      await f.store.store([eventOf({ index: 1 }), eventOf({ index: 2 }), eventOf({ index: 4 }), eventOf({ index: 0, ms: -50 })]);
      const rest = await f.store.byLobbySession(LOBBY_A, { after: first.next_after });
      expect(rest.events.map((e) => e.frame_index)).toEqual([3, 4]);
    });

    test("byMatch pages with after as well", async () => {
      await using f = await open();
      const match = toMatchId(LOBBY_A, "n1");
      await f.store.store(Array.from({ length: 5 }, (_, i) => eventOf({ index: i, node: "n1" })));
      const first = await f.store.byMatch(match, { limit: 3 });
      const second = await f.store.byMatch(match, { limit: 3, after: first.next_after });
      expect([...first.events, ...second.events].map((e) => e.frame_index)).toEqual([0, 1, 2, 3, 4]);
      expect(second.next_after).toBeUndefined();
    });

    test("offset skips events in frame order, after a cursor when both are given", async () => {
      await using f = await open();
      await f.store.store(Array.from({ length: 6 }, (_, i) => eventOf({ index: i })));
      const page = await f.store.byLobbySession(LOBBY_A, { offset: 2, limit: 2 });
      expect(page.events.map((e) => e.frame_index)).toEqual([2, 3]);
      expect(page.next_after).toBe(cursorOf(page.events[1]!));
      const both = await f.store.byLobbySession(LOBBY_A, { after: cursorOf(page.events[0]!), offset: 1 });
      expect(both.events.map((e) => e.frame_index)).toEqual([4, 5]);
      expect((await f.store.byLobbySession(LOBBY_A, { offset: 10 })).events).toEqual([]);
    });

    test("unknown ids read as empty, count 0 and no lobby session", async () => {
      await using f = await open();
      await f.store.store(eventOf({ index: 1 }));
      expect(await f.store.byLobbySession(LOBBY_B)).toEqual({ events: [] });
      expect(await f.store.byMatch(toMatchId(LOBBY_A, "nowhere"))).toEqual({ events: [] });
      expect(await f.store.countByLobbySession(LOBBY_B)).toBe(0);
      expect(await f.store.countByMatch(toMatchId(LOBBY_B, "default-node"))).toBe(0);
      expect(await f.store.lobbySessionInfo(LOBBY_B)).toBeUndefined();
    });

    test("lobbySessionInfo counts the events and dates the session by its first and last frames", async () => {
      await using f = await open();
      await f.store.store([
        eventOf({ index: 2, ms: 200, storedAt: Date.parse("2025-03-02T00:00:02Z") }),
        eventOf({ index: 1, ms: 100, storedAt: Date.parse("2025-03-02T00:00:05Z") }),
        eventOf({ index: 3, ms: 300, storedAt: Date.parse("2025-03-02T00:00:01Z") }),
      ]);
      expect(await f.store.lobbySessionInfo(LOBBY_A)).toEqual({
        lobby_session_id: LOBBY_A,
        count: 3,
        created_at: new Date("2025-03-02T00:00:05Z"),
        updated_at: new Date("2025-03-02T00:00:01Z"),
      });
    });

    test("bad paging options reject with a ValidationError naming the field", async () => {
      await using f = await open();
      await f.store.store(eventOf({ index: 1 }));
      const cases: Array<[object, string]> = [
        [{ limit: 0 }, "limit"],
        [{ limit: 1.5 }, "limit"],
        [{ limit: 10_001 }, "limit"],
        [{ offset: -1 }, "offset"],
        [{ after: "not-a-cursor" }, "after"],
        [{ after: Buffer.from("[1,2]").toString("base64url") }, "after"],
      ];
      for (const [options, field] of cases) {
        const error = await f.store.byLobbySession(LOBBY_A, options).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).field).toBe(field);
      }
    });

    test("a frame with a key MongoDB cannot hold is refused naming it, and nothing of that call is stored", async () => {
      await using f = await open();
      const good = eventOf({ index: 1 });
      const bad = eventOf({ index: 2 });
      bad.frame = { ...bad.frame, session: { ...(bad.frame.session as object), "a.b": 1 } };
      const error = await f.store.store([good, bad]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe("frame.session.a.b");
      expect(await f.store.countByLobbySession(LOBBY_A)).toBe(0);
      expect(await f.store.store(good)).toEqual({ stored: 1 });
    });

    test("init is safe to call again and keeps the stored events", async () => {
      await using f = await open();
      await f.store.store(eventOf({ index: 1 }));
      await f.store.init();
      expect(await f.store.countByLobbySession(LOBBY_A)).toBe(1);
    });

    test("concurrent writers of the same frames store each frame once", async () => {
      await using f = await open();
      const batch = Array.from({ length: 20 }, (_, i) => eventOf({ index: i }));
      const results = await Promise.all(Array.from({ length: 4 }, () => f.store.store(batch)));
      expect(results.reduce((sum, r) => sum + r.stored, 0)).toBe(20);
      expect(await f.store.countByLobbySession(LOBBY_A)).toBe(20);
    });
  });
}
