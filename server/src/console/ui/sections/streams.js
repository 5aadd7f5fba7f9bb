// Streams: length, first and last id, append rate; and a live tail of any stream, with filters.
import { follow, query } from "../api.js";
import { badge, every, fmtNumber, fmtTime, h, idTime, json, table } from "../dom.js";

const MAX_ROWS = 300;

export default {
  id: "streams",
  title: "Streams",
  render(root, { params, signal, toast }) {
    const list = h("div");
    root.append(h("h2", "Streams"), list);
    const rates = new Map();
    every(
      2000,
      signal,
      async () => {
        const { streams } = await query("admin.streams");
        const now = performance.now();
        const rows = streams.map((s) => {
          const before = rates.get(s.stream);
          const rate = before ? (s.entries_added - before.added) / ((now - before.at) / 1000) : null;
          rates.set(s.stream, { added: s.entries_added, at: now, rate: rate ?? before?.rate ?? null });
          return h(
            "tr",
            { dataset: { stream: s.stream } },
            h("td", h("a", { href: `#/streams/${encodeURIComponent(s.stream)}` }, s.stream), " ", s.kind === "dead-letter" ? badge("dead letters", s.length ? "warn" : "") : null),
            h("td.num", fmtNumber(s.length)),
            h("td.num", fmtNumber(s.entries_added)),
            h("td.num", rate === null ? "…" : `${fmtNumber(rate, 1)}/s`),
            h("td.mono", s.first_id ?? "–"),
            h("td.mono", s.last_id ?? "–", h("div.muted", fmtTime(idTime(s.last_id)))),
            h("td.num", String(s.groups.length)),
          );
        });
        list.replaceChildren(table(["stream", "length", "appended", "rate", "first id", "last id", "groups"], rows));
      },
      (error) => toast(error.message, "error"),
    );
    root.append(tail(params[0] ?? "events:player_actions", { signal }));
  },
};

/** The live tail: follows one stream (any journal, dead-letter or lobby stream) and filters what it shows. */
function tail(initial, { signal }) {
  const stream = h("input", { name: "stream", value: initial, list: "stream-names", size: 40 });
  const type = h("input", { name: "type", placeholder: "type contains" });
  const user = h("input", { name: "user", placeholder: "user_id" });
  const search = h("input", { name: "search", placeholder: "text anywhere" });
  const fromStart = h("input", { type: "checkbox", name: "fromStart" });
  const state = h("span.muted.state", "connecting…");
  const counter = h("span.muted", "");
  const body = h("tbody");
  const names = h(
    "datalist#stream-names",
    ["events:player_actions", "events:purchases", "events:rtapi", "events:player_actions:dlq", "events:purchases:dlq", "events:rtapi:dlq"].map((n) => h("option", { value: n })),
  );
  let feed;
  let seen = 0;

  const matches = (entry) => {
    if (type.value && !String(entry.type ?? "").includes(type.value)) return false;
    if (user.value && entry.user_id !== user.value) return false;
    if (search.value && !JSON.stringify(entry).includes(search.value)) return false;
    return true;
  };
  const applyFilters = () => {
    for (const row of body.querySelectorAll("tr.entry")) {
      row.hidden = !matches(row._entry);
      if (row.hidden) row.nextElementSibling.hidden = true;
    }
  };

  function start() {
    feed?.abort();
    feed = new AbortController();
    signal.addEventListener("abort", () => feed.abort(), { once: true });
    body.replaceChildren();
    seen = 0;
    counter.textContent = "";
    const name = stream.value.trim();
    follow(name, {
      signal: feed.signal,
      lastEventId: fromStart.checked ? "0-0" : null,
      onState: (s) => (state.textContent = s),
      onNotice: (kind, data) => body.prepend(h("tr.notice", h("td", { colSpan: 5 }, `${kind}: ${data}`))),
      onEntry: (entry) => {
        seen++;
        counter.textContent = `${seen} received`;
        const detail = h("tr.detail", { hidden: true }, h("td", { colSpan: 5 }, json(entry)));
        const row = h(
          "tr.entry",
          { onclick: () => (detail.hidden = !detail.hidden), title: "show the entry" },
          h("td.mono", entry.id),
          h("td", entry.type ?? ""),
          h("td", entry.user_id ?? ""),
          h("td", entry.match_id ?? entry.lobby_id ?? entry.session_id ?? ""),
          h("td.mono.clip", JSON.stringify(entry.data ?? null)),
        );
        row._entry = entry;
        row.hidden = !matches(entry);
        body.prepend(row, detail);
        while (body.children.length > MAX_ROWS * 2) body.lastElementChild.remove();
      },
    }).catch((error) => (state.textContent = `stopped: ${error.message}`));
  }

  for (const input of [type, user, search]) input.addEventListener("input", applyFilters);
  const form = h(
    "form.toolbar",
    {
      onsubmit: (event) => {
        event.preventDefault();
        history.replaceState(null, "", `#/streams/${encodeURIComponent(stream.value.trim())}`);
        start();
      },
    },
    h("label", "stream ", stream),
    names,
    h("label", fromStart, " from the start"),
    h("button", { type: "submit" }, "Tail"),
    type,
    user,
    search,
    state,
    counter,
  );
  const section = h("section.tail", h("h2", "Live tail"), form, h("table.entries", h("thead", h("tr", ["id", "type", "user", "match / lobby / session", "data"].map((x) => h("th", x)))), body));
  queueMicrotask(start);
  return section;
}
