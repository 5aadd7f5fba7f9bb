import { join } from "node:path";
import { Command, Option } from "commander";
import { openMongo } from "../backends/mongo.ts";
import { openSqlite } from "../backends/sqlite.ts";
import { ConfigError, loadConfig, type Config } from "../config.ts";
import { NotFoundError } from "../errors.ts";
import { describeError } from "../http/errors.ts";
import type { Scope } from "../platform/auth-user.ts";
import { Access } from "./access.ts";
import { createAuth } from "./auth.ts";
import { MongoServerKeyStore } from "./server-keys-mongo.ts";
import { SqliteServerKeyStore } from "./server-keys-sqlite.ts";
import type { ServerKeyStore } from "./server-keys.ts";
import { parseScopes } from "./token-command.ts";

/** Runs `task` with the configured server key store (MongoDB, else DATA_DIR/documents.db), closing it after. */
async function withKeys<T>(config: Config, task: (access: Access) => Promise<T>): Promise<T> {
  const mongo = config.mongoUri ? openMongo(config.mongoUri, { database: config.mongoDatabase }) : undefined;
  const sqlite = mongo ? undefined : openSqlite(join(config.dataDir, "documents.db"));
  const store: ServerKeyStore = mongo ? new MongoServerKeyStore(mongo.db) : new SqliteServerKeyStore(sqlite!);
  try {
    await store.init();
    // Only the key store is used: tokens are neither signed nor checked here.
    return await task(new Access({ mode: config.auth.mode, auth: createAuth("key-command-does-not-sign-tokens"), keys: store }));
  } finally {
    await mongo?.client.close();
    sqlite?.close();
  }
}

/**
 * `gamejournal key create|list|revoke`: long-lived server keys for game
 * servers and services, in the store the server uses (MONGODB_URI, else
 * DATA_DIR). A new key is printed once; only its hash is kept. The server
 * refuses a revoked key within 5 s. Building the command does nothing.
 */
export function keyCommand(): Command {
  const command = new Command("key").description("create, list and revoke server keys (long-lived credentials for game servers and services)");

  const run = (action: (config: Config) => Promise<void>) =>
    async function runKeyCommand(this: Command) {
      let config: Config;
      try {
        config = loadConfig(process.env);
      } catch (error) {
        if (error instanceof ConfigError) return this.error(error.message, { exitCode: 2 });
        throw error;
      }
      try {
        await action(config);
      } catch (error) {
        const described = describeError(error);
        this.error(`error: ${described.message}`, { exitCode: described.status < 500 ? 2 : 1 });
      }
    };

  command
    .command("create")
    .description("create a key and print it (shown this once)")
    .requiredOption("--name <name>", "what the key is for, e.g. \"eu-west game servers\"")
    .addOption(new Option("--scope <scopes>", "what it may do: ingest, read, admin (comma-separated)").argParser(parseScopes).default(["ingest"] as Scope[], "ingest"))
    .action(function (this: Command, flags: { name: string; scope: Scope[] }) {
      return run(async (config) => {
        const { key, info } = await withKeys(config, (access) => access.createKey(flags.name, flags.scope));
        process.stderr.write(`created key ${info.id} "${info.name}" with scopes ${info.scopes.join(",")}; keep it secret, it is not shown again:\n`);
        process.stdout.write(`${key}\n`);
      }).call(this);
    });

  command
    .command("list")
    .description("list keys (never their secrets)")
    .action(function (this: Command) {
      return run(async (config) => {
        const keys = await withKeys(config, (access) => access.listKeys());
        for (const k of keys) {
          process.stdout.write(`${k.id}\t${k.scopes.join(",")}\t${k.created_at.toISOString()}\t${k.revoked_at ? `revoked ${k.revoked_at.toISOString()}` : "active"}\t${k.name}\n`);
        }
      }).call(this);
    });

  command
    .command("revoke <id>")
    .description("revoke a key: the server refuses it within 5 s")
    .action(function (this: Command, id: string) {
      return run(async (config) => {
        const revoked = await withKeys(config, (access) => access.revokeKey(id));
        if (!revoked) throw new NotFoundError(`no active key ${id}`);
        process.stdout.write(`revoked ${id}\n`);
      }).call(this);
    });

  return command;
}
