import { expect, test } from "bun:test";
import { join } from "node:path";
import { CONFIG_VARIABLES } from "../server/src/config.ts";

test("the README documents every configuration variable the server reads", async () => {
  const readme = await Bun.file(join(import.meta.dir, "..", "README.md")).text();
  const missing = CONFIG_VARIABLES.map(([name]) => name).filter((name) => !readme.includes(`| \`${name}\``));
  expect(missing).toEqual([]);
});
