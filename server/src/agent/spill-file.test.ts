import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SpillFile } from "./spill-file.ts";

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), "gamejournal-spill-"));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}
const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => JSON.stringify({ n: from + i, pad: "x".repeat((from + i) % 7 === 0 ? 70_000 : 10) }));

describe("SpillFile", () => {
  test("gives lines back first in, first out, across chunk boundaries, and truncates once drained", () => {
    using tmp = tempDir();
    const spill = SpillFile.open(tmp.dir);
    const all = lines(0, 30);
    for (const line of all.slice(0, 20)) spill.push(line);
    expect(spill.size).toBe(20);
    const first = spill.take(7);
    for (const line of all.slice(20)) spill.push(line);
    const rest = spill.take(100);
    expect([...first, ...rest]).toEqual(all);
    expect(spill.size).toBe(0);
    const [file] = readdirSync(tmp.dir);
    expect(statSync(join(tmp.dir, file!)).size).toBe(0);
    spill.persist([]);
    expect(readdirSync(tmp.dir)).toEqual([]);
  });

  test("a clean stop leaves the unacknowledged head and the untaken lines for the next run, in order", () => {
    using tmp = tempDir();
    const first = SpillFile.open(tmp.dir);
    for (const line of lines(0, 10)) first.push(line);
    const taken = first.take(4); // handed to the stream, never acknowledged
    first.persist(taken);
    expect(readdirSync(tmp.dir)).toHaveLength(1);

    const next = SpillFile.open(tmp.dir);
    expect(next.size).toBe(10);
    next.push(lines(10, 11)[0]!);
    expect(next.take(100)).toEqual(lines(0, 11));
    expect(readdirSync(tmp.dir)).toHaveLength(1); // the adopted file is gone, this run's stays
  });

  test("adopts a crashed run's file, ignoring a line cut short, but never a live process's file", () => {
    using tmp = tempDir();
    const crashed = join(tmp.dir, "spill-999999999-1.jsonl");
    writeFileSync(crashed, `${lines(0, 3).join("\n")}\n{"cut`);
    const live = join(tmp.dir, `spill-${process.ppid}-2.jsonl`);
    writeFileSync(live, `${lines(50, 51)[0]}\n`);
    const spill = SpillFile.open(tmp.dir);
    expect(spill.take(100)).toEqual(lines(0, 3));
    expect(readFileSync(live, "utf8")).toBe(`${lines(50, 51)[0]}\n`);
    expect(readdirSync(tmp.dir)).not.toContain("spill-999999999-1.jsonl");
  });
});
