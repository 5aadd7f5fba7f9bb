import type { Subprocess } from "bun";

/**
 * Every child process the harness starts is recorded here and killed when the
 * test process exits, however it exits, so no redis-server or FerretDB
 * outlives a run.
 */
const children = new Set<Subprocess>();
let hooked = false;

export function track(child: Subprocess): Subprocess {
  children.add(child);
  void child.exited.then(() => children.delete(child));
  if (!hooked) {
    hooked = true;
    process.on("exit", killAll);
  }
  return child;
}

export function killAll(): void {
  for (const child of children) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
  children.clear();
}
