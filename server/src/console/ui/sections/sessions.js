// Session events: look up a lobby session (its UUID) or a match (<uuid>.<node>) and page through its stored frames.
import { query } from "../api.js";
import { h, json, table } from "../dom.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default {
  id: "sessions",
  title: "Session events",
  render(root, { params, toast }) {
    const id = h("input", { name: "id", placeholder: "lobby session UUID, or match id <uuid>.<node>", size: 60, value: params.join("/") });
    const info = h("div");
    const results = h("div");
    let after;
    const load = async (more = false) => {
      const value = id.value.trim();
      if (!value) return;
      const byMatch = !UUID.test(value);
      const input = { ...(byMatch ? { match_id: value } : { lobby_session_id: value }), limit: 100, ...(more && after ? { after } : {}) };
      const [page, session] = await Promise.all([
        query(byMatch ? "sessions.getMatchEvents" : "sessions.getSessionEvents", input),
        more ? null : query("sessions.getLobbySession", { lobby_session_id: byMatch ? value.split(".")[0] : value }).catch(() => null),
      ]);
      after = page.next_after;
      if (!more) {
        info.replaceChildren(
          session
            ? h("div.cards", h("div.card", h("div.label", "events"), h("b", session.count)), h("div.card", h("div.label", "first"), h("b", session.created_at)), h("div.card", h("div.label", "last"), h("b", session.updated_at)))
            : h("p.muted", "no stored events for this session"),
        );
      }
      const rows = page.events.flatMap((e) => {
        const detail = h("tr.detail", { hidden: true }, h("td", { colSpan: 5 }, json(e.frame)));
        return [
          h("tr.entry", { onclick: () => (detail.hidden = !detail.hidden) }, h("td.num", e.frame?.frame_index ?? "–"), h("td", e.timestamp), h("td", e.user_id), h("td", (e.event_types ?? []).join(", ") || "–"), h("td.muted", e.match_id ?? e.lobby_session_id)),
          detail,
        ];
      });
      if (more) results.querySelector("tbody").append(...rows);
      else results.replaceChildren(table(["frame", "timestamp", "user", "events", "session / match"], rows, { empty: "no events" }));
      results.querySelector("button.more")?.remove();
      if (after) results.append(h("button.more", { onclick: () => load(true).catch((e) => toast(e.message, "error")) }, "more"));
    };
    root.append(
      h("h2", "Session events"),
      h(
        "form.toolbar",
        {
          onsubmit: (e) => {
            e.preventDefault();
            history.replaceState(null, "", `#/sessions/${encodeURIComponent(id.value.trim())}`);
            load().catch((error) => toast(error.message, "error"));
          },
        },
        id,
        h("button", { type: "submit" }, "Find"),
      ),
      info,
      results,
    );
    if (id.value) load().catch((error) => toast(error.message, "error"));
  },
};
