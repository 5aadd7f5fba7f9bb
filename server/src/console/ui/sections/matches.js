// Match summaries: search (player, time range) and a summary's page (players, rounds, pings).
import { query } from "../api.js";
import { fmtNumber, h, json, table } from "../dom.js";

export default {
  id: "matches",
  title: "Matches",
  render(root, { params, signal, toast, navigate }) {
    if (params[0]) return summaryPage(root, params.join("/"), { toast });
    const player = h("input", { name: "player", placeholder: "player id, account or name" });
    const from = h("input", { name: "from", type: "datetime-local" });
    const to = h("input", { name: "to", type: "datetime-local" });
    const results = h("div");
    let cursor = null;
    const search = async (more = false) => {
      const input = { limit: 50 };
      if (player.value.trim()) input.playerId = player.value.trim();
      if (from.value) input.from = new Date(from.value).toISOString();
      if (to.value) input.to = new Date(to.value).toISOString();
      if (more && cursor) input.cursor = cursor;
      const page = await query("matches.list", input);
      cursor = page.next_cursor;
      const rows = page.items.map((m) =>
        h(
          "tr",
          h("td", h("a", { href: `#/matches/${encodeURIComponent(m.match_id)}` }, m.match_id)),
          h("td", m.match_label || "–"),
          h("td", m.players.join(", ")),
          h("td", Object.entries(m.final_round_scores).map(([team, score]) => `${team} ${score}`).join(" · ")),
          h("td.num", `${fmtNumber(m.duration_seconds)} s`),
          h("td", m.updated_at.replace("T", " ").slice(0, 19)),
        ),
      );
      const list = table(["match", "label", "players", "score", "duration", "ended"], rows, { empty: "no match summary matches" });
      if (more) results.querySelector("tbody").append(...rows);
      else results.replaceChildren(list);
      results.querySelector("button.more")?.remove();
      if (cursor) results.append(h("button.more", { onclick: () => search(true).catch((e) => toast(e.message, "error")) }, "more"));
    };
    root.append(
      h("h2", "Match summaries"),
      h(
        "form.toolbar",
        {
          onsubmit: (e) => {
            e.preventDefault();
            search().catch((error) => toast(error.message, "error"));
          },
        },
        player,
        h("label", "from ", from),
        h("label", "to ", to),
        h("button", { type: "submit" }, "Search"),
      ),
      results,
    );
    if (!signal.aborted) search().catch((error) => toast(error.message, "error"));
    void navigate;
  },
};

async function summaryPage(root, matchId, { toast }) {
  root.append(h("p", h("a", { href: "#/matches" }, "← matches")), h("h2", "Match ", h("code", matchId)));
  let m;
  try {
    m = await query("matches.get", { matchId });
  } catch (error) {
    toast(error.message, "error");
    root.append(h("p.error", error.message));
    return;
  }
  const sessionId = matchId.split(".")[0];
  const names = new Map(m.evr_match_presences.map((p) => [p.player_id, p.display_name]));
  root.append(
    h(
      "div.cards.summary",
      h("div.card", h("div.label", "label"), h("b", m.match_label || "–")),
      h("div.card", h("div.label", "duration"), h("b", `${fmtNumber(m.duration_seconds)} s`)),
      h("div.card", h("div.label", "final score"), h("b", Object.entries(m.final_round_scores).map(([t, s]) => `${t} ${s}`).join(" · ") || "–")),
      h("div.card", h("div.label", "ping min / avg / max"), h("b", `${m.min_ping} / ${fmtNumber(m.avg_ping, 1)} / ${m.max_ping} ms`)),
    ),
    h("h3", "Players"),
    table(
      ["player", "display name", "team", "account", "joined", "left"],
      m.evr_match_presences.map((p) => h("tr", h("td", p.player_id), h("td", p.display_name), h("td", p.team), h("td", p.account_number), h("td", p.joined_at), h("td", p.left_at ?? "–"))),
      { empty: m.players.join(", ") || "no players" },
    ),
    h("h3", "Rounds"),
    table(
      ["player", "round", "team", "points", "goals", "saves", "stuns", "passes", "steals", "assists", "possession (s)"],
      Object.entries(m.per_round_stats).flatMap(([player, rounds]) =>
        rounds.map((r) => h("tr", h("td", names.get(player) ?? player), h("td.num", r.round), h("td", r.team), ...[r.points, r.goals, r.saves, r.stuns, r.passes, r.steals, r.assists].map((v) => h("td.num", v)), h("td.num", fmtNumber(r.possession_time, 1)))),
      ),
      { empty: "no round statistics" },
    ),
    h("p", h("a", { href: `#/sessions/${encodeURIComponent(matchId)}` }, "this match's session events"), " · ", h("a", { href: `#/streams/${encodeURIComponent(`lobby:{${sessionId}}:events`)}` }, "its lobby stream, live")),
    h("details", h("summary", "the summary as JSON"), json(m)),
  );
}
