import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../server/src/config.ts";
import { silentLogger } from "../../server/src/log.ts";
import { startServer, type RunningServer } from "../../server/src/server.ts";

export interface TestServer extends AsyncDisposable, RunningServer {
  readonly dataDir: string;
}

/**
 * A server in this process on a free loopback port with its own DATA_DIR
 * (removed on dispose). `env` adds variables, e.g. JOURNAL_REDIS_URI.
 * Tests of features run in AUTH_MODE=open (the documented private-network
 * mode) unless they pass `AUTH_MODE: "token"`; test/security/ does.
 */
export async function startTestServer(env: Record<string, string> = {}, opts: { dataDir?: string } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "gamejournal-test-"));
  const config = loadConfig({ SERVER_ADDRESS: "127.0.0.1:0", DATA_DIR: dataDir, SHUTDOWN_TIMEOUT_SECONDS: "2", AUTH_MODE: "open", ...env });
  const server = await startServer({ config, logger: silentLogger() });
  return {
    ...server,
    dataDir,
    async [Symbol.asyncDispose]() {
      await server.stop();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
