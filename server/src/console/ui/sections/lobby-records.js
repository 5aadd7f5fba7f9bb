// Lobby game records (seed 004): status, members, runtime snapshot, per-player stats and
// capability results; one record's changes live.
import { followSse, query } from "../api.js";
import { badge, every, h, json, table } from "../dom.js";

const STATUS_KIND = { running: "ok", finished: "", cancelled: "warn" };

export default {
  id: "lobby-records",
  title: "Lobby records",
  render(root, { params, signal, toast }) {
    if (params[0]) return record(root, params[0], { signal, toast });
    const status = h("select", { name: "status" }, h("option", { value: "" }, "any status"), ...["draft", "enrollment_open", "ready_to_start", "running", "finished", "cancelled"].map((s) => h("option", { value: s }, s)));
    const list = h("div");
    root.append(h("h2", "Lobby game records"), h("div.toolbar", h("label", "status ", status)), list);
    const load = async () => {
      const page = await query("lobby.list", { limit: 200, ...(status.value ? { status: status.value } : {}) });
      list.replaceChildren(
        table(
          ["game", "name", "status", "members", "turn", "runtime", "updated"],
          page.items.map((g) =>
            h(
              "tr",
              h("td", h("a", { href: `#/lobby-records/${encodeURIComponent(g.game_id)}` }, g.game_id)),
              h("td", g.name),
              h("td", badge(g.status, STATUS_KIND[g.status] ?? "")),
              h("td.num", `${g.members.length} / ${g.max_players}`),
              h("td.num", g.runtime_snapshot?.current_turn ?? "–"),
              h("td", g.runtime_snapshot ? `${g.runtime_snapshot.runtime_status} · ${g.runtime_snapshot.engine_health_summary}` : "–"),
              h("td", g.updated_at.replace("T", " ").slice(0, 19)),
            ),
          ),
          { empty: "no game records" },
        ),
      );
    };
    status.addEventListener("change", () => load().catch((e) => toast(e.message, "error")));
    every(3000, signal, load, (error) => toast(error.message, "error"));
  },
};

function record(root, gameId, { signal, toast }) {
  const head = h("div");
  const stats = h("div");
  const capabilities = h("div");
  const changes = h("tbody");
  const state = h("span.muted.state", "");
  root.append(
    h("p", h("a", { href: "#/lobby-records" }, "← lobby records")),
    h("h2", "Game ", h("code", gameId), " ", state),
    head,
    h("h3", "Stats (initial frozen, max raised)"),
    stats,
    h("h3", "Capabilities"),
    capabilities,
    h("h3", "Record changes, live"),
    h("table.entries", h("thead", h("tr", ["id", "change", "status", "turn", "members"].map((x) => h("th", x)))), changes),
  );
  let current;
  const show = (g) => {
    current = g;
    head.replaceChildren(
      h(
        "div.cards",
        h("div.card", h("div.label", "status"), badge(g.status, STATUS_KIND[g.status] ?? "")),
        h("div.card", h("div.label", "members"), h("b", `${g.members.length} / ${g.max_players}`), h("div.muted", g.members.join(", ") || "none")),
        h("div.card", h("div.label", "snapshot"), g.runtime_snapshot ? h("b", `turn ${g.runtime_snapshot.current_turn} · ${g.runtime_snapshot.runtime_status}`) : h("b", "–")),
        h("div.card", h("div.label", "type"), h("b", g.type)),
      ),
      h("details", h("summary", "the record as JSON"), json(g)),
    );
  };
  const fmt = (s) => (s ? `${s.planets} planets · ${s.population} pop · ${s.ships_built} ships` : "–");
  const loadSide = async () => {
    // Capabilities exist once the game finished (before, the API answers 404).
    const finished = current?.status === "finished";
    const [st, caps] = await Promise.all([query("lobby.stats", { gameId }), finished ? query("lobby.capabilities", { gameId }).catch(() => null) : null]);
    stats.replaceChildren(table(["player", "initial", "max"], st.players.map((p) => h("tr", h("td", p.user_id), h("td", fmt(p.initial)), h("td", fmt(p.max)))), { empty: "no stats reported yet" }));
    capabilities.replaceChildren(
      caps
        ? table(["player", "capable"], caps.players.map((p) => h("tr", h("td", p.user_id), h("td", badge(p.capable ? "capable" : "not capable", p.capable ? "ok" : "warn")))))
        : h("p.muted", "evaluated once the Game Master reports the game finished"),
    );
  };
  query("lobby.get", { gameId }).then(
    (g) => {
      show(g);
      every(5000, signal, loadSide, (error) => toast(error.message, "error"));
    },
    (error) => toast(error.message, "error"),
  );
  followSse(`/v1/lobby/games/${encodeURIComponent(gameId)}/live`, {
    signal,
    lastEventId: "0-0",
    onState: (s) => (state.textContent = s),
    onNotice: (kind, data) => changes.prepend(h("tr.notice", h("td", { colSpan: 5 }, `${kind}: ${data}`))),
    onEntry: (entry) => {
      const g = entry.data?.record ?? entry.data ?? {};
      if (g.game_id) show(g);
      changes.prepend(h("tr", h("td.mono", entry.id), h("td", entry.type ?? ""), h("td", g.status ?? ""), h("td.num", g.runtime_snapshot?.current_turn ?? "–"), h("td", (g.members ?? []).join(", "))));
    },
  }).catch((error) => (state.textContent = `stopped: ${error.message}`));
}
