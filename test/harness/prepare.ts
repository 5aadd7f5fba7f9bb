/**
 * Installs what the harness would otherwise install during the first test:
 * run by `sh scripts/dev.sh test` before `bun test`.
 */
import { ferretdbBinary } from "./services.ts";

if (!Bun.which("mongod") && !process.env.MONGODB_URI) {
  console.error(`[setup] MongoDB-protocol server for tests: ${await ferretdbBinary()}`);
}
