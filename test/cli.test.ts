import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseBenchArgs } from "../bench/lib/args.ts";
import { CONFIG_VARIABLES } from "../server/src/config.ts";
import { environmentHelp } from "../server/src/main.ts";
import { freePort } from "./harness/index.ts";
import { startTestServer } from "./support/server.ts";

const ROOT = join(import.meta.dir, "..");
const MAIN = join(ROOT, "server", "src", "main.ts");

/** Runs the CLI from source in an empty directory with only `env` (and PATH). */
async function cli(args: string[], env: Record<string, string> = {}) {
  const cwd = mkdtempSync(join(tmpdir(), "gamejournal-cli-"));
  try {
    const proc = Bun.spawn(["bun", MAIN, ...args], { cwd, env: { PATH: process.env.PATH ?? "", ...env }, stdout: "pipe", stderr: "pipe" });
    const [code, out, err] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
    return { code, out, err };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

describe("the command line's help", () => {
  test("lists the environment in one column as wide as the longest name, wrapped, never run together", () => {
    const text = environmentHelp("Environment", 80);
    const lines = text.split("\n").slice(1);
    const pad = Math.max(...CONFIG_VARIABLES.map(([n]) => n.length)) + 2;
    for (const line of lines) {
      expect(line.length).toBeLessThanOrEqual(Math.max(80, pad + 2 + 30));
      // Every line's text starts in the same column; a name is followed by at least two spaces.
      expect(line.slice(2, 2 + pad)).toMatch(/^(\S+\s{2,}|\s+)$/);
      expect(line[2 + pad]).not.toBe(" ");
    }
    for (const [name] of CONFIG_VARIABLES) expect(lines.some((l) => l.startsWith(`  ${name} `))).toBe(true);
  });

  test("serve --help lists every setting and the exit codes", async () => {
    const { code, out } = await cli(["serve", "--help"]);
    expect(code).toBe(0);
    for (const [name] of CONFIG_VARIABLES) expect(out).toContain(`  ${name} `);
    expect(out).toContain("Exit codes:");
    expect(out).not.toMatch(/[A-Z_]{6,}[a-z]/); // JOURNAL_IDEMPOTENCY_WINDOW_SECONDShow
  });

  test.each(["agent", "agent stream", "token", "key", "key create", "rebuild", "health"])("%s --help answers with exit code 0", async (command: string) => {
    const { code, out } = await cli([...command.split(" "), "--help"]);
    expect(code).toBe(0);
    expect(out).toStartWith("Usage: gamejournal");
  });
});

describe("exit codes: 2 for a usage error, 1 for a failure while running", () => {
  const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [["nosuch"], {}, /unknown command/],
      [["serve", "--bogus"], {}, /unknown option/],
      [["serve"], { AUTH_MODE: "sometimes" }, /config: AUTH_MODE/],
      [["agent", "stream"], {}, /missing required argument/],
      [["agent", "stream", "--status-interval", "-1", "127.0.0.1:6721"], {}, /status-interval/],
      [["token", "--ttl", "soon"], {}, /--ttl/],
      [["token", "--scope", "root"], {}, /--scope/],
      [["key", "create"], {}, /--name/],
      [["key", "nosuch"], {}, /unknown command/],
      [["rebuild", "nothing"], {}, /target/],
  ];
  test.each(cases.map(([args, env, message]) => [args.join(" "), args, env, message] as const))("`%s` exits 2 with a line saying what is wrong", async (_name, args, env, message) => {
    const { code, err } = await cli([...args], env);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });

  test("a server that cannot listen exits 1 with one line", async () => {
    const port = freePort();
    const blocker = Bun.serve({ hostname: "127.0.0.1", port, fetch: () => new Response("busy") });
    try {
      const { code, err } = await cli(["serve"], { SERVER_ADDRESS: `127.0.0.1:${port}`, AUTH_MODE: "open", LOG_LEVEL: "silent" });
      expect(code).toBe(1);
      expect(err.trim().split("\n")).toEqual([expect.stringMatching(/^error: .*port/i)]);
    } finally {
      blocker.stop(true);
    }
  });

  test("`health` (the Docker HEALTHCHECK) exits 0 for a healthy server and 1 when nothing answers", async () => {
    await using server = await startTestServer();
    const up = await cli(["health", "--url", server.url]);
    expect(up).toMatchObject({ code: 0, out: "healthy\n" });
    const down = await cli(["health"], { SERVER_ADDRESS: `127.0.0.1:${freePort()}` });
    expect(down.code).toBe(1);
    expect(down.err).toStartWith("unhealthy: http://127.0.0.1:");
  });

  test("the benchmark's arguments are strict: --help, both --only forms, and refusals instead of a silent full run", async () => {
    const names = ["ingest", "fanout"];
    expect(parseBenchArgs(["--help"], names)).toEqual({ help: true });
    expect(parseBenchArgs(["--only", "fanout"], names)).toEqual({ help: false, quick: false, only: ["fanout"] });
    expect(parseBenchArgs(["--only=fanout,ingest", "--quick"], names)).toEqual({ help: false, quick: true, only: ["fanout", "ingest"] });
    for (const bad of [["--nope"], ["fanout"], ["--only"], ["--only", "nope"], ["--only", ","]]) expect(() => parseBenchArgs(bad, names)).toThrow();
    const help = Bun.spawn(["bun", join(ROOT, "bench", "run.ts"), "--help"], { stdout: "pipe", stderr: "pipe" });
    expect(await help.exited).toBe(0);
    expect(await new Response(help.stdout).text()).toContain("--only <names>");
    const bad = Bun.spawn(["bun", join(ROOT, "bench", "run.ts"), "--only", "fanout", "--nope"], { stdout: "pipe", stderr: "pipe" });
    expect(await bad.exited).toBe(2);
    expect(await new Response(bad.stderr).text()).toContain("Unknown option '--nope'");
  });
});
