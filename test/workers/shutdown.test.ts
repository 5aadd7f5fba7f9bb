import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startMongo, waitFor, waitForPort } from "../harness/index.ts";
import { track } from "../harness/processes.ts";
import { agentFrame, newSession } from "../sessions/ingest-fixtures.ts";

const MAIN = join(import.meta.dir, "..", "..", "server", "src", "main.ts");

test("with MongoDB frozen mid-batch, the watchdog reports the stalled worker on /ready and SIGTERM still ends the process within the shutdown timeout", async () => {
  await using mongo = await startMongo();
  const port = freePort();
  const dir = mkdtempSync(join(tmpdir(), "gamejournal-shutdown-"));
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    SERVER_ADDRESS: `127.0.0.1:${port}`,
    DATA_DIR: dir,
    MONGODB_URI: `${mongo.url}shutdown`,
    AUTH_MODE: "open",
    LOG_LEVEL: "warn",
    SHUTDOWN_TIMEOUT_SECONDS: "2",
    WORKER_STALL_TIMEOUT_SECONDS: "1",
  };
  const server = track(Bun.spawn(["bun", MAIN, "serve"], { env, stdout: "ignore", stderr: "pipe" }));
  try {
    await waitForPort(port);
    const session = newSession();
    const post = (i: number) =>
      fetch(`${url}/session-events`, { method: "POST", headers: { "Content-Type": "application/json", "X-Node-ID": "n" }, body: JSON.stringify(agentFrame(session, i)) });
    expect((await post(0)).status).toBe(200);
    await waitFor("the first frame stored", async () => (await fetch(`${url}/lobby-session-events/${session}`)).status === 200);

    mongo.pause();
    expect((await post(1)).status).toBe(200);
    const notReady = await waitFor("the stalled worker reported by /ready", async () => {
      const res = await fetch(`${url}/ready`);
      const body = (await res.json()) as { reasons: string[] };
      return res.status === 503 && body.reasons.includes("worker session-events is stalled") ? body : undefined;
    }, { timeoutMs: 15_000 });
    expect(notReady.reasons).toContain("worker session-events is stalled");
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/gamejournal_worker_stalls_total\{worker="session-events"\} [1-9]/);

    const started = performance.now();
    server.kill("SIGTERM");
    const code = await Promise.race([server.exited, Bun.sleep(15_000).then(() => "still running")]);
    const took = performance.now() - started;
    console.log(`SIGTERM with a worker stalled mid-batch: exited ${code} after ${took.toFixed(0)} ms (SHUTDOWN_TIMEOUT_SECONDS=2)`);
    expect(code).not.toBe("still running");
    // The timeout, plus the time a process takes to exit on a busy machine.
    expect(took).toBeLessThan(2_000 + 1_000);
  } finally {
    server.kill("SIGKILL");
    mongo.resume();
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
