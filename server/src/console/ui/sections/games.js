// Game rooms (server/src/games/): the rooms by status; one room as a spectator sees it, with
// its whole log in the page: the board at the newest version follows the live feed, a slider
// steps back through the events (the board at each version folded by game-view.js); and a
// replay on the server with its report.
import { mutate, query, subscribe } from "../api.js";
import { badge, every, fmtAgo, h, json, table } from "../dom.js";
import { board, STATUS_KIND } from "../game-board.js";
import { describeEvent, emptyView, foldEvent } from "../game-view.js";

/** The list's filters: `games.list` takes one status, "open" asks for two. */
const FILTERS = { open: ["waiting", "playing"], waiting: ["waiting"], playing: ["playing"], finished: ["finished"], all: [null] };
const PAGE = 1000;

export default {
  id: "games",
  title: "Game rooms",
  render(root, { params, signal, toast }) {
    if (params[0]) return room(root, params[0], { signal, toast });
    const filter = h("select", { name: "status" }, Object.keys(FILTERS).map((f) => h("option", { value: f }, f)));
    const list = h("div");
    root.append(h("h2", "Game rooms ", h("span.muted", "(most recently updated first)")), h("div.toolbar", h("label", "show ", filter)), list);
    const load = async () => {
      const pages = await Promise.all(FILTERS[filter.value].map((status) => query("games.list", { limit: 200, ...(status ? { status } : {}) })));
      const games = pages.flatMap((p) => p.games).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
      list.replaceChildren(
        table(
          ["game", "status", "players", "version", "updated"],
          games.map((g) =>
            h(
              "tr",
              { dataset: { game: g.gameId } },
              h("td", h("a", { href: `#/games/${encodeURIComponent(g.gameId)}` }, g.gameId)),
              h("td", badge(g.status, STATUS_KIND[g.status] ?? "")),
              h("td", `${g.players.length} / ${g.numPlayers} `, h("span.muted", g.players.map((p) => p.name).join(", "))),
              h("td.num.version", String(g.version)),
              h("td", { title: g.updatedAt }, `${fmtAgo(Date.now() - Date.parse(g.updatedAt))} ago`),
            ),
          ),
          { empty: "no game room" },
        ),
      );
    };
    filter.addEventListener("change", () => load().catch((e) => toast(e.message, "error")));
    every(3000, signal, load, (error) => toast(error.message, "error"));
  },
};

function room(root, gameId, { signal, toast }) {
  const events = [];
  const views = [emptyView(gameId)];
  // The slider rests on the newest version and moves with each new event, until the operator moves it back.
  let following = true;
  const state = h("span.muted.state", "reading the log…");
  const step = h("input", { type: "range", name: "step", min: 0, max: 0, value: 0, oninput: () => show(Number(step.value)) });
  const position = h("span.position");
  const line = h("p.event-line");
  const eventJson = h("div.event-json");
  const view = h("div");
  const viewJson = h("pre.json.view-json");
  const report = h("div.replay");
  const replay = h("button", { name: "replay", onclick: () => runReplay() }, "Replay from the log");
  root.append(
    h("p", h("a", { href: "#/games" }, "← game rooms")),
    h("h2", "Game ", h("code", gameId), " ", state),
    h(
      "div.toolbar.stepper",
      h("button", { name: "prev", title: "the event before", onclick: () => show(Number(step.value) - 1) }, "◀"),
      step,
      h("button", { name: "next", title: "the next event", onclick: () => show(Number(step.value) + 1) }, "▶"),
      h("button", { name: "live", onclick: () => show(events.length) }, "newest"),
      position,
    ),
    h("div.room", view, h("aside.event", line, eventJson)),
    h("details", h("summary", "this version of the state view as JSON (what GET /api/games/{id} answers a spectator)"), viewJson),
    h("h3", "Replay"),
    h("div.toolbar", replay, h("span.muted", "folds the stored log from event 1 on the server and checks the snapshot")),
    report,
  );

  function show(at) {
    at = Math.max(0, Math.min(events.length, at));
    following = at === events.length;
    step.max = String(events.length);
    step.value = String(at);
    position.replaceChildren(`version ${at} of ${events.length} `, following ? badge("live", "ok") : badge("stepping back", "warn"));
    const event = events[at - 1];
    if (event) line.replaceChildren(h("b", `#${event.eventId} ${event.type}`), " ", describeEvent(event, views[at - 1]));
    else line.replaceChildren(h("span.muted", "before the first event"));
    eventJson.replaceChildren(event ? json(event) : "");
    view.replaceChildren(board(views[at]));
    viewJson.textContent = JSON.stringify(views[at], null, 2);
  }

  /** Appends the next event of the log; the feed has no gap, so anything else is one already held. */
  function append(event) {
    if (event.eventId !== events.length + 1) return false;
    events.push(event);
    views.push(foldEvent(views.at(-1), event));
    return true;
  }

  async function runReplay() {
    replay.disabled = true;
    try {
      const r = await mutate("games.replay", { gameId });
      const snapshot = r.snapshot ? badge(r.snapshot.matches ? `matches at version ${r.snapshot.version}` : `differs at version ${r.snapshot.version}`, r.snapshot.matches ? "ok" : "warn") : h("span.muted", "none yet (one every 100 events)");
      report.replaceChildren(
        h(
          "div.cards",
          h("div.card", h("div.label", "version"), h("b", String(r.version))),
          h("div.card", h("div.label", "events"), h("b", String(r.events))),
          h("div.card", h("div.label", "status"), badge(r.status, STATUS_KIND[r.status] ?? "")),
          h("div.card", h("div.label", "snapshot check"), snapshot),
          h("div.card", h("div.label", "speed"), h("b", `${Math.round(r.eventsPerSecond)} events/s`)),
        ),
        h("p", "digest (sha256 of the state's canonical JSON) ", h("code.digest", r.digest)),
        h("details", h("summary", "the report as JSON"), json(r)),
      );
    } catch (error) {
      toast(error.message, "error");
    } finally {
      replay.disabled = false;
    }
  }

  async function readLog() {
    for (;;) {
      const page = await query("games.history", { gameId, after: events.length, limit: PAGE });
      for (const event of page.events) append(event);
      if (page.events.length < PAGE) return;
    }
  }

  readLog().then(
    () => {
      show(events.length);
      // From the last event read: the feed sends only later ones (no state first), live.
      return subscribe("games.events", { gameId, lastEventId: String(events.length) }, {
        signal,
        onState: (s) => (state.textContent = s),
        onNotice: (kind, data) => (state.textContent = `${kind}: ${messageOf(data)}`),
        onEntry: (item) => {
          if (item.type !== "event" || !append(item.event)) return;
          if (following) show(events.length);
          else show(Number(step.value));
        },
      });
    },
    (error) => {
      state.textContent = "";
      root.append(h("p.error", error.message));
    },
  ).catch((error) => (state.textContent = `stopped: ${error.message}`));
}

/** The message of a tRPC error event's data, else the data as it came. */
function messageOf(data) {
  try {
    return JSON.parse(data).message ?? data;
  } catch {
    return data;
  }
}
