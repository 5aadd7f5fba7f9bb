import { join } from "node:path";

const root = join(import.meta.dir, "..", "..");
const builds = new Map<string, Promise<void>>();

/** Runs `bun run build <part>` once per test run; resolves when the output is fresh. */
export function buildOnce(part: "binary" | "client"): Promise<void> {
  let build = builds.get(part);
  if (!build) {
    build = (async () => {
      const proc = Bun.spawn(["bun", "run", "scripts/build.ts", part], { cwd: root, stdout: "pipe", stderr: "pipe" });
      if ((await proc.exited) !== 0) {
        throw new Error(`bun run build ${part} failed: ${await new Response(proc.stderr).text()}`);
      }
    })();
    builds.set(part, build);
  }
  return build;
}

export const BINARY = join(root, "dist", "gamejournal");
export const ROOT = root;
