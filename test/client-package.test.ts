import { beforeAll, describe, expect, test } from "bun:test";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildOnce, ROOT } from "./support/build.ts";

beforeAll(() => buildOnce("client"), 120_000);

/**
 * A consumer project outside the repository: it has the built client
 * package and its declared dependencies, but not the server's source.
 */
function consumerProject(source: string) {
  const dir = mkdtempSync(join(tmpdir(), "gamejournal-consumer-"));
  const pkg = join(dir, "node_modules", "@gamejournal", "client");
  mkdirSync(pkg, { recursive: true });
  cpSync(join(ROOT, "client", "package.json"), join(pkg, "package.json"));
  cpSync(join(ROOT, "client", "dist"), join(pkg, "dist"), { recursive: true });
  for (const dep of ["@trpc", "eventsource", "typescript"]) {
    symlinkSync(join(ROOT, "node_modules", dep), join(dir, "node_modules", dep));
  }
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", lib: ["es2022", "dom", "esnext.disposable"], skipLibCheck: false, types: [] },
      files: ["consumer.ts"],
    }),
  );
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", type: "module" }));
  writeFileSync(join(dir, "consumer.ts"), source);
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

async function typecheck(dir: string) {
  const proc = Bun.spawn(["node", join(dir, "node_modules", "typescript", "bin", "tsc"), "-p", dir], { cwd: dir, stdout: "pipe", stderr: "pipe" });
  const code = await proc.exited;
  return { code, output: (await new Response(proc.stdout).text()) + (await new Response(proc.stderr).text()) };
}

describe("the built client package", () => {
  test("type-checks a consumer against its declarations alone", async () => {
    using project = consumerProject(`
import { createClient, closeClient } from "@gamejournal/client";
const client = createClient({ url: "http://localhost:8080", token: "t", subscriptions: "sse" });
const health = await client.system.health.query();
const status: "healthy" | "degraded" = health.status;
const journal: "redis" | "sqlite" = health.backend.journal;
client.system.clock.subscribe(undefined, { onData: ({ id, data }) => { const s: string = id; const n: number = data.now; void s; void n; } });
await closeClient(client);
void status; void journal;
`);
    const { code, output } = await typecheck(project.dir);
    expect(output).toBe("");
    expect(code).toBe(0);
  });

  test("says exactly what a live feed yields: telemetry.lobby and journal.follow items are entries or events_lost, never any", async () => {
    using project = consumerProject(`
import { createClient } from "@gamejournal/client";
type IsAny<T> = 0 extends 1 & T ? true : false;
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Lost = { type: "events_lost"; error: string; after: string; through: string };
const client = createClient({ url: "http://localhost:8080" });
client.telemetry.lobby.subscribe({ lobbyId: "l" }, {
  onData(item) {
    const itemNotAny: IsAny<typeof item> = false;
    const dataNotAny: IsAny<typeof item.data> = false;
    const idIsString: Equal<typeof item.id, string> = true;
    type Entry = Exclude<typeof item.data, Lost>;
    const lostIsPart: Equal<Extract<typeof item.data, Lost>, Lost> = true;
    const entryId: Equal<Entry["id"], string> = true;
    const entryTs: Equal<Entry["ts"], number> = true;
    const entryType: Equal<Entry["type"], string> = true;
    void itemNotAny; void dataNotAny; void idIsString; void lostIsPart; void entryId; void entryTs; void entryType;
  },
});
client.journal.follow.subscribe({ stream: "events:player_actions", lastEventId: "1-0" }, {
  onData(item) {
    const dataNotAny: IsAny<typeof item.data> = false;
    const lostIsPart: Equal<Extract<typeof item.data, Lost>, Lost> = true;
    const entryUser: Equal<Exclude<typeof item.data, Lost>["user_id"], string | undefined> = true;
    void dataNotAny; void lostIsPart; void entryUser;
  },
});
`);
    const { code, output } = await typecheck(project.dir);
    expect(output).toBe("");
    expect(code).toBe(0);
  });

  test("rejects a consumer that misuses the API, so the types are not any", async () => {
    using project = consumerProject(`
import { createClient } from "@gamejournal/client";
const client = createClient({ url: "http://localhost:8080" });
const n: number = (await client.system.health.query()).status;
await client.system.nope.query();
void n;
`);
    const { code, output } = await typecheck(project.dir);
    expect(code).not.toBe(0);
    expect(output).toContain("consumer.ts(4,7)"); // status is a string union, not a number
    expect(output).toContain("consumer.ts(5,21)"); // no such procedure
  });
});
