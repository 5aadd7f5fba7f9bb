import { describe, expect, test } from "bun:test";
import { sharedRedis } from "../harness/index.ts";
import { deadLetterPurchases } from "../support/dead-letters.ts";
import { startTestServer } from "../support/server.ts";

async function call<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { ...init, headers: { "Content-Type": "application/json", ...init?.headers } });
  return { status: res.status, body: (await res.json()) as T };
}

for (const backend of ["sqlite", "redis"] as const) {
  describe(`dead letters through the admin API (${backend})`, () => {
    test("lists them with their error, redrives one to its stream under a new id, and drops another", async () => {
      const env: Record<string, string> = backend === "redis" ? { JOURNAL_REDIS_URI: (await sharedRedis()).url } : {};
      await using server = await startTestServer(env);
      const journal = server.services.journal.journal;
      const before = (await journal.info("events:purchases:dlq"))?.length ?? 0;
      const original = await deadLetterPurchases(journal, 3);

      const page = await call<{ length: number; dead_letters: Array<{ id: string; original_id: string; error: string; group: string; deliveries: number; event: { data: unknown } }> }>(
        `${server.url}/v1/admin/dead-letters/events:purchases?count=500`,
      );
      expect(page.status).toBe(200);
      expect(page.body.length).toBe(before + 3);
      const ours = page.body.dead_letters.filter((d) => original.includes(d.original_id));
      expect(ours.map((d) => d.original_id)).toEqual(original);
      expect(ours[0]).toMatchObject({ group: expect.stringMatching(/^poison-/), error: "the shop's database refused it", deliveries: 2, event: { data: { sku: "sku-0" } } });

      const redrive = await call<{ redriven: Array<{ id: string; new_id: string }>; missing: string[] }>(`${server.url}/v1/admin/dead-letters/events:purchases/redrive`, {
        method: "POST",
        body: JSON.stringify({ ids: [ours[0]!.id, "1-1"] }),
      });
      expect(redrive.status).toBe(200);
      expect(redrive.body.missing).toEqual(["1-1"]);
      const newId = redrive.body.redriven[0]!.new_id;
      const [again] = await journal.read("events:purchases", { from: newId, count: 1 });
      expect(again).toMatchObject({ id: newId, type: "purchase", user_id: "u0", data: { sku: "sku-0" }, key: `redrive:${ours[0]!.id}` });

      const drop = await call<{ dropped: number }>(`${server.url}/v1/admin/dead-letters/events:purchases/drop`, { method: "POST", body: JSON.stringify({ ids: [ours[1]!.id] }) });
      expect(drop.body).toEqual({ dropped: 1 });
      const left = await call<{ dead_letters: Array<{ id: string }> }>(`${server.url}/v1/admin/dead-letters/events:purchases?count=500`);
      expect(left.body.dead_letters.map((d) => d.id).filter((id) => ours.some((o) => o.id === id))).toEqual([ours[2]!.id]);

      // A stream that is not a journal stream is refused, naming the field.
      const bad = await call<{ field: string }>(`${server.url}/v1/admin/dead-letters/nowhere`);
      expect(bad.status).toBe(400);
      expect(bad.body.field).toBe("stream");
    });

    test("the streams overview lists each group's consumers, idle times and the summarizer's lease holder", async () => {
      const env: Record<string, string> = backend === "redis" ? { JOURNAL_REDIS_URI: (await sharedRedis()).url } : {};
      await using server = await startTestServer(env);
      await deadLetterPurchases(server.services.journal.journal, 1, "poison-test");
      const { body } = await call<{ streams: Array<{ stream: string; kind: string; length: number; entries_added: number; groups: Array<{ name: string; consumers: Array<{ name: string; idle_ms: number }>; worker: string | null; lease: { owner: string; held_here: boolean } | null }> }> }>(
        `${server.url}/v1/admin/streams`,
      );
      expect(body.streams.map((s) => `${s.stream} ${s.kind}`)).toEqual([
        "events:player_actions journal",
        "events:player_actions:dlq dead-letter",
        "events:purchases journal",
        "events:purchases:dlq dead-letter",
        "events:rtapi journal",
        "events:rtapi:dlq dead-letter",
      ]);
      const purchases = body.streams.find((s) => s.stream === "events:purchases")!;
      expect(purchases.entries_added).toBeGreaterThanOrEqual(1);
      expect(purchases.groups.find((g) => g.name === "poison-test")!.consumers.map((c) => c.name)).toContain("c1");
      const rtapi = body.streams.find((s) => s.stream === "events:rtapi")!;
      const summaries = await (async () => {
        for (let i = 0; i < 100; i++) {
          const again = await call<typeof body>(`${server.url}/v1/admin/streams`);
          // One group a partition of match summarization (one by default): this instance holds it.
          const group = again.body.streams.find((s) => s.stream === "events:rtapi")!.groups.find((g) => g.name.startsWith("match-summaries") && g.lease?.held_here);
          if (group) return group;
          await Bun.sleep(50);
        }
        return rtapi.groups.find((g) => g.name.startsWith("match-summaries"));
      })();
      expect(summaries).toMatchObject({ worker: expect.any(String), lease: { held_here: true } });
      expect(summaries!.name).toBe("match-summaries");
    });
  });
}
