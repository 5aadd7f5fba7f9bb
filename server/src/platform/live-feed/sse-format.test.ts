import { describe, expect, test } from "bun:test";
import { tracked } from "@trpc/server";
import { sseStreamProducer } from "@trpc/server/unstable-core-do-not-import";
import { SerializedJson } from "../serialized-json.ts";
import type { FeedItem } from "./live-feed.ts";
import { PLAIN_SSE, trpcSseFormat } from "./sse-format.ts";

const entry = (n: number) => ({ id: `1700000000000-${n}`, type: "telemetry", ts: 1_700_000_000_000 + n, lobby_id: "l1", data: { n, text: 'a "quoted"\nline' }, mode: 22 });
const items: FeedItem[] = [
  tracked("1699999999999-3", { type: "events_lost", error: "trimmed", after: "1-0", through: "1699999999999-3" }),
  ...[0, 1, 2].map((n) => tracked(entry(n).id, SerializedJson.of(entry(n))) as FeedItem),
];

async function text(stream: ReadableStream<Uint8Array | string>): Promise<string> {
  let out = "";
  const decoder = new TextDecoder();
  const reader = stream.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) out += typeof next.value === "string" ? next.value : decoder.decode(next.value);
  return out;
}

describe("SSE formats", () => {
  test("the tRPC format is byte for byte what tRPC's own SSE producer writes for the same items", async () => {
    const client = { reconnectAfterInactivityMs: 12_000 };
    async function* source() {
      yield* items;
    }
    const theirs = await text(sseStreamProducer({ data: source(), serialize: (v: unknown) => v, client, ping: { enabled: false } } as never));
    const format = trpcSseFormat(client);
    const ours = format.opening + format.items(items.slice(0, 2)) + format.items(items.slice(2)) + format.closing;
    expect(ours).toBe(theirs);
    const error = { message: "boom", code: -32603 };
    async function* failing(): AsyncGenerator<never> {
      throw new Error("boom");
    }
    const theirError = await text(sseStreamProducer({ data: failing(), serialize: (v: unknown) => v, client, formatError: () => error } as never));
    expect(format.opening + format.error(error)).toBe(theirError);
  });

  test("the plain format gives each entry its id and one data line, and names the events_lost notice", () => {
    const written = PLAIN_SSE.items(items.slice(0, 2));
    expect(written).toBe(
      `event: events_lost\nid: 1699999999999-3\ndata: ${JSON.stringify(items[0]![1])}\n\n` + `id: 1700000000000-0\ndata: ${JSON.stringify(entry(0))}\n\n`,
    );
  });
});
