import { Command, Option } from "commander";
import { ConfigError, loadConfig } from "../config.ts";

/**
 * `gamejournal health [--url URL] [--strict]`: asks a running server's
 * `/health` (by default the one SERVER_ADDRESS names, on loopback) and exits
 * 0 when it answers healthy (or degraded, without `--strict`: it still takes
 * writes, spooling them), 1 otherwise. The Docker image's HEALTHCHECK; it
 * needs no curl in the image.
 */
export function healthCommand(): Command {
  return new Command("health")
    .description("check a running server's /health (the Docker HEALTHCHECK): exit 0 if healthy, 1 if not")
    .addOption(new Option("--url <url>", "the server's base URL (default: http://127.0.0.1:<port of SERVER_ADDRESS>)"))
    .option("--strict", "fail when the server is degraded too (e.g. Redis away, writes spooling)")
    .addOption(new Option("--timeout <ms>", "how long to wait for the answer").argParser(Number).default(3000))
    .action(async function checkHealth(flags: { url?: string; strict?: boolean; timeout: number }, command: Command) {
      let base = flags.url;
      if (!base) {
        try {
          base = `http://127.0.0.1:${loadConfig(process.env).server.port}`;
        } catch (error) {
          if (error instanceof ConfigError) return command.error(error.message, { exitCode: 2 });
          throw error;
        }
      }
      let report: { status?: string };
      try {
        const res = await fetch(new URL("/health", base), { signal: AbortSignal.timeout(flags.timeout) });
        report = (await res.json()) as { status?: string };
      } catch (error) {
        process.stderr.write(`unhealthy: ${base} did not answer: ${(error as Error).message}\n`);
        process.exit(1);
      }
      const ok = report.status === "healthy" || (!flags.strict && report.status === "degraded");
      process.stdout.write(`${report.status ?? "unknown"}\n`);
      process.exit(ok ? 0 : 1);
    });
}
