import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { importCircles, importGraph } from "./support/import-graph.ts";

const ROOT = join(import.meta.dir, "..");
const graph = importGraph(ROOT, ["server/src", "client/src", "shared/src"]);

/** The domains: each owns its folder and plugs in through platform/module.ts. */
const DOMAINS = ["system", "telemetry", "sessions", "matches", "games", "lobby"];

function importsOf(prefix: string): Array<[string, string]> {
  return [...graph].filter(([file]) => file.startsWith(prefix)).flatMap(([file, targets]) => targets.map((t) => [file, t] as [string, string]));
}

describe("the source tree's layers", () => {
  test("has no import circle (type-only imports included)", () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(importCircles(graph)).toEqual([]);
  });

  test("no domain imports the tRPC transport (trpc/)", () => {
    const offending = DOMAINS.flatMap((d) => importsOf(`server/src/${d}/`)).filter(([, target]) => target.startsWith("server/src/trpc/"));
    expect(offending).toEqual([]);
  });

  test("the journal and the platform layer import no domain", () => {
    const below = [...importsOf("server/src/journal/"), ...importsOf("server/src/platform/")];
    const offending = below.filter(([, target]) => DOMAINS.some((d) => target.startsWith(`server/src/${d}/`)));
    expect(offending).toEqual([]);
  });

  test("the agent reaches the client by its package name, not by a path into client/", () => {
    const offending = importsOf("server/src/").filter(([, target]) => target.startsWith("client/"));
    expect(offending).toEqual([]);
  });
});
