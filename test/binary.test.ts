import { beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeClient, createClient } from "../client/src/index.ts";
import { freePort, waitFor } from "./harness/index.ts";
import { BINARY, buildOnce } from "./support/build.ts";

beforeAll(() => buildOnce("binary"), 120_000);

function run(args: string[], env: Record<string, string> = {}) {
  const cwd = mkdtempSync(join(tmpdir(), "gamejournal-bin-"));
  // An empty environment: no PATH, no HOME, nothing but what the test names.
  const proc = Bun.spawn([BINARY, ...args], { cwd, env, stdout: "pipe", stderr: "pipe" });
  return { proc, cwd, [Symbol.dispose]: () => rmSync(cwd, { recursive: true, force: true }) };
}

describe("the compiled binary", () => {
  test("--version and --help answer and exit 0", async () => {
    using version = run(["--version"]);
    expect(await version.proc.exited).toBe(0);
    expect(await new Response(version.proc.stdout).text()).toMatch(/^gamejournal \d+\.\d+\.\d+/);
    using help = run(["--help"]);
    expect(await help.proc.exited).toBe(0);
    const text = await new Response(help.proc.stdout).text();
    expect(text).toContain("serve");
    expect(text).toContain("JOURNAL_REDIS_URI");
  });

  test("a bad setting stops it with exit code 2 and one line naming the variable", async () => {
    using bad = run(["serve"], { SERVER_ADDRESS: "nowhere" });
    expect(await bad.proc.exited).toBe(2);
    const stderr = await new Response(bad.proc.stderr).text();
    expect(stderr.trim().split("\n")).toEqual(['config: SERVER_ADDRESS: expected host:port or :port, got "nowhere"']);
  });

  test("serves /health and tRPC in an empty directory, then stops cleanly on SIGTERM", async () => {
    const port = freePort();
    using server = run(["serve"], { SERVER_ADDRESS: `127.0.0.1:${port}` });
    const url = `http://127.0.0.1:${port}`;
    const health = await waitFor("/health", () => fetch(`${url}/health`).then((r) => r.json()).catch(() => null));
    expect(health).toMatchObject({ status: "healthy", backend: { journal: "sqlite", documents: "sqlite" } });
    // The embedded data lands in ./data of the working directory.
    expect(readdirSync(join(server.cwd, "data"))).toContain("journal.db");

    const client = createClient({ url });
    expect(await client.system.health.query()).toMatchObject({ status: "healthy" });
    // Keep a WebSocket subscription and an SSE stream open across the shutdown.
    let ticks = 0;
    const sub = client.system.clock.subscribe(undefined, { onData: () => ticks++ });
    await waitFor("a clock tick", () => ticks > 0);
    const sse = await fetch(`${url}/trpc/system.clock`, { headers: { accept: "text/event-stream" } });
    const sseDone = sse.body!.pipeTo(new WritableStream()).then(() => "ended", () => "ended");

    const started = Date.now();
    server.proc.kill("SIGTERM");
    expect(await server.proc.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await sseDone).toBe("ended");
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    sub.unsubscribe();
    await closeClient(client);
    const log = await new Response(server.proc.stdout).text();
    expect(log).toContain('"msg":"stopped"');
  });

  test("serves the console, the docs page, /openapi.json and GraphiQL from inside itself, in an empty directory", async () => {
    const port = freePort();
    using server = run(["serve"], { SERVER_ADDRESS: `127.0.0.1:${port}`, AUTH_MODE: "open" });
    const url = `http://127.0.0.1:${port}`;
    await waitFor("/health", () => fetch(`${url}/health`).then((r) => r.ok).catch(() => false));
    const page = await (await fetch(`${url}/console`)).text();
    expect(page).toContain("/console/app.js");
    for (const path of ["/console/app.js", "/console/sections/groups.js", "/console/sections/games.js", "/console/game-view.js", "/console/console.css", "/docs", "/docs/swagger-ui-bundle.js"]) {
      const res = await fetch(`${url}${path}`);
      expect(`${path}: ${res.status} ${(await res.text()).length > 100}`).toBe(`${path}: 200 true`);
    }
    expect(((await (await fetch(`${url}/openapi.json`)).json()) as { openapi: string }).openapi).toBe("3.1.0");
    const graphiql = await (await fetch(`${url}/graphql`, { headers: { Accept: "text/html" } })).text();
    expect(graphiql).toContain("YogaGraphiQL");
    expect(graphiql).not.toMatch(/<script[^>]+src="https?:/);
    server.proc.kill("SIGTERM");
    expect(await server.proc.exited).toBe(0);
  });
});
