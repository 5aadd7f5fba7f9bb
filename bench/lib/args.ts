import { parseArgs } from "node:util";

export const BENCH_USAGE = (scenarios: readonly string[]) => `Usage: bun run bench [--quick] [--only <scenario>[,<scenario>...]]

Builds dist/gamejournal, starts its own redis-server and the binary on loopback,
runs each scenario beside its baseline, prints a table and writes
bench/results/latest.json (see bench/README.md).

Options:
  --quick            about three minutes: every scenario, smaller sizes
  --only <names>     only these scenarios, comma-separated (also --only=<names>):
                     ${scenarios.join(", ")}
  -h, --help         print this and exit

Exit codes: 0 done, 1 a build or start-up failure, 2 a bad argument.`;

export type BenchArgs = { help: true } | { help: false; quick: boolean; only: string[] | undefined };

/** A usage error: the message names the argument (exit code 2). */
export class BenchUsageError extends Error {}

/**
 * Strict: an unknown flag, a stray argument, an unknown scenario or a
 * missing value is a BenchUsageError, never silently a full run.
 */
export function parseBenchArgs(argv: readonly string[], scenarios: readonly string[]): BenchArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: { quick: { type: "boolean" }, only: { type: "string" }, help: { type: "boolean", short: "h" } },
    });
  } catch (error) {
    throw new BenchUsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ""));
  }
  const { values } = parsed;
  if (values.help) return { help: true };
  const only = values.only?.split(",").map((s) => s.trim()).filter(Boolean);
  if (only !== undefined && only.length === 0) throw new BenchUsageError("--only needs at least one scenario name");
  const unknown = only?.filter((name) => !scenarios.includes(name)) ?? [];
  if (unknown.length > 0) throw new BenchUsageError(`unknown scenario ${unknown.join(", ")}; expected ${scenarios.join(", ")}`);
  return { help: false, quick: values.quick ?? false, only };
}
