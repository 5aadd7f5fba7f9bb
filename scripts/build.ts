/**
 * `bun run build`: the typed client package and the standalone binary.
 *
 * 1. client/dist/index.js: the client bundled as ESM (its @trpc packages stay external);
 * 2. client/dist/index.d.ts: one declaration file with the router's types
 *    inlined, so the client type-checks without the server's source;
 * 3. dist/gamejournal: `bun build --compile` of server/src/main.ts, with the
 *    built-in workers; no --minify/--bytecode (a Bun issue broke BSON with them).
 *
 * `bun run build client` or `bun run build binary` builds one part.
 */
import { $ } from "bun";
import { rmSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const only = process.argv[2];
$.cwd(root);

if (!only || only === "client") {
  rmSync(join(root, "client/dist"), { recursive: true, force: true });
  const result = await Bun.build({
    entrypoints: [join(root, "client/src/index.ts")],
    outdir: join(root, "client/dist"),
    target: "node",
    format: "esm",
    external: ["@trpc/client", "@trpc/server", "eventsource"],
  });
  if (!result.success) {
    for (const log of result.logs) console.error(log);
    process.exit(1);
  }
  await $`bunx dts-bundle-generator --silent --no-check --external-inlines @gamejournal/shared --project client/tsconfig.build.json -o client/dist/index.d.ts client/src/index.ts`;
  console.log("built client/dist (index.js, index.d.ts)");
}

if (!only || only === "binary") {
  await $`bun build --compile --target=bun server/src/main.ts --outfile dist/gamejournal`.quiet();
  console.log("built dist/gamejournal");
}
