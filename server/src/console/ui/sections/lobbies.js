// Lobbies: subscribers per lobby, and a live view of one lobby's telemetry.
import { follow, query } from "../api.js";
import { badge, every, fmtAgo, fmtNumber, h, json, sparkline, table } from "../dom.js";

export default {
  id: "lobbies",
  title: "Lobbies",
  render(root, { params, signal, toast }) {
    if (params[0]) return lobby(root, params[0], { signal, toast });
    const list = h("div");
    root.append(h("h2", "Lobbies ", h("span.muted", "(most recently active first)")), list);
    every(
      3000,
      signal,
      async () => {
        const { lobbies, total } = await query("telemetry.lobbies", { limit: 100 });
        const rows = lobbies.map((l) =>
          h(
            "tr",
            h("td", h("a", { href: `#/lobbies/${encodeURIComponent(l.lobby_id)}` }, l.lobby_id)),
            h("td.num", `${l.active_subscribers} / ${l.subscribers}`),
            h("td.num", fmtNumber(l.entries_added)),
            h("td.num", fmtNumber(l.length)),
            h("td", l.last_event_at ? `${fmtAgo(Date.now() - l.last_event_at)} ago` : "–"),
          ),
        );
        list.replaceChildren(table(["lobby", "subscribers (active / all)", "events", "kept", "last event"], rows, { empty: "no lobby has telemetry yet" }), total > lobbies.length ? h("p.muted", `${lobbies.length} of ${total}`) : "");
      },
      (error) => toast(error.message, "error"),
    );
  },
};

function lobby(root, lobbyId, { signal, toast }) {
  const subscribers = h("div");
  const chart = h("div.charts");
  const body = h("tbody");
  const state = h("span.muted.state", "connecting…");
  root.append(
    h("p", h("a", { href: "#/lobbies" }, "← lobbies")),
    h("h2", "Lobby ", h("code", lobbyId), " ", state),
    h("h3", "Subscribers"),
    subscribers,
    h("h3", "Live telemetry"),
    chart,
    h("table.entries", h("thead", h("tr", ["id", "user", "session", "data"].map((x) => h("th", x)))), body),
  );
  every(
    3000,
    signal,
    async () => {
      const { subscriptions } = await query("telemetry.subscriptions", { lobbyId });
      subscribers.replaceChildren(
        table(
          ["session", "user", "state"],
          subscriptions.map((s) => h("tr", h("td", s.session_id), h("td", s.user_id), h("td", badge(s.active ? "active" : "inactive", s.active ? "ok" : "warn")))),
          { empty: "nobody is subscribed" },
        ),
      );
    },
    (error) => toast(error.message, "error"),
  );
  // Events per second over the last minute, counted as they arrive.
  const perSecond = Array(60).fill(0);
  let bucket = 0;
  every(1000, signal, () => {
    perSecond.push(bucket);
    perSecond.shift();
    bucket = 0;
    chart.replaceChildren(sparkline("events / s", perSecond));
  });
  follow(`lobby:{${lobbyId}}:events`, {
    signal,
    onState: (s) => (state.textContent = s),
    onNotice: (kind, data) => body.prepend(h("tr.notice", h("td", { colSpan: 4 }, `${kind}: ${data}`))),
    onEntry: (entry) => {
      bucket++;
      const detail = h("tr.detail", { hidden: true }, h("td", { colSpan: 4 }, json(entry)));
      body.prepend(
        h("tr.entry", { onclick: () => (detail.hidden = !detail.hidden) }, h("td.mono", entry.id), h("td", entry.user_id ?? ""), h("td", entry.session_id ?? ""), h("td.mono.clip", JSON.stringify(entry.data ?? null))),
        detail,
      );
      while (body.children.length > 400) body.lastElementChild.remove();
    },
  }).catch((error) => (state.textContent = `stopped: ${error.message}`));
}
