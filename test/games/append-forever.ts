import { MongoClient } from "mongodb";
import { openSqlite } from "../../server/src/backends/sqlite.ts";
import { systemClock } from "../../server/src/platform/clock.ts";
import { ConcurrencyError, MongoGameEventStore, SqliteGameEventStore, type GameEventStore } from "../../server/src/games/store/index.ts";

/**
 * A writer for the crash test (append-crash.test.ts), run as its own process:
 * appends commands of three events to one game until it is killed. Prints
 * `try <commandId> <expectedVersion>` before each append and
 * `ack <commandId> <version>` once the store acknowledged it.
 *
 * Usage: bun test/games/append-forever.ts sqlite <file> <gameId> <prefix>
 *        bun test/games/append-forever.ts mongodb <url> <database> <gameId> <prefix>
 */
const [backend, where, ...rest] = process.argv.slice(2);
let store: GameEventStore;
let gameId: string;
let prefix: string;
if (backend === "sqlite") {
  [gameId, prefix] = rest as [string, string];
  store = new SqliteGameEventStore(openSqlite(where!), { clock: systemClock });
} else {
  const [database, game, pre] = rest as [string, string, string];
  [gameId, prefix] = [game, pre];
  store = new MongoGameEventStore(new MongoClient(where!).db(database), { clock: systemClock });
}
await store.init();
for (let i = 0; ; i++) {
  const commandId = `${prefix}-${i}`;
  const version = await store.version(gameId);
  process.stdout.write(`try ${commandId} ${version}\n`);
  try {
    const result = await store.append(gameId, version, [0, 1, 2].map((n) => ({ type: `E${n}`, playerId: 1, data: { commandId, n } })), commandId);
    process.stdout.write(`ack ${commandId} ${result.version}\n`);
  } catch (error) {
    if (!(error instanceof ConcurrencyError)) throw error;
  }
}
