import { test } from "bun:test";
import { openMongoFixture } from "./backends.ts";
import { ev } from "./event-helpers.ts";
test("measure", async () => {
  await using fx = await openMongoFixture();
  const store = await fx.open();
  for (const conc of [1, 10, 50]) {
    const per = conc === 1 ? 100 : Math.ceil(400 / conc);
    const t0 = performance.now();
    await Promise.all(Array.from({ length: conc }, async (_, g) => {
      const id = `m${conc}-${g}`;
      for (let v = 0; v < per; v++) await store.append(id, 2 * v, [ev("A"), ev("B")], `c${v}`, { summary: { status: "playing", numPlayers: 2, players: [] } });
    }));
    const ms = performance.now() - t0;
    console.log(`conc ${conc}: ${conc * per} appends in ${ms.toFixed(0)} ms = ${(ms / (conc * per)).toFixed(2)} ms/append amortised, ${(ms / per).toFixed(1)} ms latency`);
  }
  const t0 = performance.now();
  for (let i = 0; i < 100; i++) await store.read("m1-0", { after: 200 });
  console.log("read-at-end", (performance.now() - t0) / 100);
  const t1 = performance.now();
  for (let i = 0; i < 100; i++) await store.version("m1-0");
  console.log("version", (performance.now() - t1) / 100);
  const t2 = performance.now();
  for (let i = 0; i < 20; i++) await store.read("m1-0");
  console.log("full read 100 batches", (performance.now() - t2) / 20);
}, 300000);
