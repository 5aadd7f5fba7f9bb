import { Command, InvalidArgumentError, Option } from "commander";
import { ConfigError, loadConfig } from "../config.ts";
import { SCOPES, scopesOf, type Scope } from "../platform/auth-user.ts";
import { createAuth, resolveSecret } from "./auth.ts";

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `30m`, `24h`, `7d`, `90s` or a bare number of seconds → seconds. Throws InvalidArgumentError otherwise. */
export function parseTtl(text: string): number {
  const match = /^\s*(\d+)\s*([smhd]?)\s*$/i.exec(text);
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[(match[2] || "s").toLowerCase()]! : NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new InvalidArgumentError(`expected a positive duration such as 30m, 24h or 7d, got "${text}"`);
  }
  return seconds;
}

/** `ingest,read` → the scopes; InvalidArgumentError naming the unknown ones. */
export function parseScopes(text: string): Scope[] {
  const allowed = SCOPES.filter((s) => s !== "player");
  const names = text.split(/[\s,]+/).filter(Boolean);
  const unknown = names.filter((name) => !(allowed as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(`expected one or more of ${allowed.join(", ")} separated by commas${unknown.length ? `, got "${unknown.join(", ")}"` : ""}`);
  }
  return scopesOf(names);
}

/**
 * `gamejournal token [--sub NAME] [--scope SCOPE[,SCOPE]] [--ttl 24h]`:
 * prints an HS256 token with those scopes, signed with the secret the server
 * uses (JWT_SECRET, else the one kept in DATA_DIR, generated there when
 * missing). Building the command does nothing.
 */
export function tokenCommand(): Command {
  return new Command("token")
    .description("print a token (HS256 JWT) signed with JWT_SECRET or the secret the server keeps in DATA_DIR")
    .option("--sub <name>", "the token's subject: the user its frames are stored under", "gamejournal")
    .addOption(
      new Option("--scope <scopes>", "what it may do: ingest, read, admin (comma-separated)").argParser(parseScopes).default(["ingest"] as Scope[], "ingest"),
    )
    .addOption(new Option("--ttl <duration>", "how long it is valid: 30m, 24h, 7d, or seconds").argParser(parseTtl).default(24 * 3600, "24h"))
    .action(async function printToken(flags: { sub: string; ttl: number; scope: Scope[] }, command: Command) {
      if (flags.sub.trim() === "") return command.error("error: --sub: must not be empty", { exitCode: 2 });
      let secret: string;
      let maxTtlSeconds: number;
      try {
        const config = loadConfig(process.env);
        secret = resolveSecret(config.jwtSecret, config.dataDir);
        maxTtlSeconds = config.auth.maxTokenTtlSeconds;
      } catch (error) {
        if (error instanceof ConfigError) return command.error(error.message, { exitCode: 2 });
        throw error;
      }
      if (flags.ttl > maxTtlSeconds) {
        return command.error(`error: --ttl: at most ${maxTtlSeconds} seconds (TOKEN_MAX_TTL_SECONDS), got ${flags.ttl}`, { exitCode: 2 });
      }
      process.stdout.write(`${await createAuth(secret, { maxTtlSeconds }).sign(flags.sub, { ttlSeconds: flags.ttl, scopes: flags.scope })}\n`);
    });
}
