import api from "./ui/api.js" with { type: "text" };
import app from "./ui/app.js" with { type: "text" };
import css from "./ui/console.css" with { type: "text" };
import dom from "./ui/dom.js" with { type: "text" };
import gameBoard from "./ui/game-board.js" with { type: "text" };
import gameView from "./ui/game-view.js" with { type: "text" };
import games from "./ui/sections/games.js" with { type: "text" };
import groups from "./ui/sections/groups.js" with { type: "text" };
import health from "./ui/sections/health.js" with { type: "text" };
import lobbies from "./ui/sections/lobbies.js" with { type: "text" };
import lobbyRecords from "./ui/sections/lobby-records.js" with { type: "text" };
import matches from "./ui/sections/matches.js" with { type: "text" };
import sessions from "./ui/sections/sessions.js" with { type: "text" };
import streams from "./ui/sections/streams.js" with { type: "text" };

/**
 * The console's files, imported as text so `bun build --compile` embeds them
 * in the binary; served under `/console/` by their path here. A new section
 * is one line here and one in ui/app.js; a module the sections share, one
 * line here.
 */
export const CONSOLE_ASSETS: ReadonlyMap<string, { body: string; type: string }> = new Map(
  Object.entries({
    "app.js": app,
    "api.js": api,
    "dom.js": dom,
    "game-view.js": gameView,
    "game-board.js": gameBoard,
    "sections/health.js": health,
    "sections/streams.js": streams,
    "sections/groups.js": groups,
    "sections/lobbies.js": lobbies,
    "sections/matches.js": matches,
    "sections/sessions.js": sessions,
    "sections/games.js": games,
    "sections/lobby-records.js": lobbyRecords,
    "console.css": css,
  }).map(([path, body]) => [path, { body, type: path.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8" }]),
);

/** The page: the shell loads app.js, which loads the rest from this server only. */
export const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>gamejournal console</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/console/console.css" />
    <script type="module" src="/console/app.js"></script>
  </head>
  <body>
    <div id="app"><p style="padding: 24px">Loading…</p></div>
    <noscript>The console needs JavaScript.</noscript>
  </body>
</html>
`;
