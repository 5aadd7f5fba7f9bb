// Consumer groups (consumers, pending, lag, idle time, the worker and its lease holder) and
// dead letters: inspect, redrive, drop.
import { mutate, query } from "../api.js";
import { badge, every, fmtAgo, fmtNumber, fmtTime, h, json, table } from "../dom.js";

export default {
  id: "groups",
  title: "Groups & dead letters",
  render(root, { signal, toast }) {
    const groups = h("div");
    const letters = h("div");
    root.append(h("h2", "Consumer groups"), groups, h("h2", "Dead letters"), letters);
    let dlqLengths = "";
    every(
      2000,
      signal,
      async () => {
        const { streams } = await query("admin.streams");
        const rows = streams.flatMap((s) =>
          s.groups.map((g) =>
            h(
              "tr",
              h("td", s.stream),
              h("td", h("b", g.name), g.worker ? h("div.muted", `worker ${g.worker}`) : null),
              h("td.num", fmtNumber(g.pending)),
              h("td.num", g.lag === null ? "–" : fmtNumber(g.lag)),
              h("td.mono", g.last_delivered_id),
              h("td", g.consumers.length ? g.consumers.map((c) => h("div", `${c.name}: ${c.pending} pending, idle ${fmtAgo(c.idle_ms)}`)) : h("span.muted", "none")),
              h("td", g.lease ? h("div", g.lease.owner, " ", g.lease.held_here ? badge("this instance", "ok") : null, g.lease.ttl_ms !== null ? h("div.muted", `expires in ${fmtAgo(g.lease.ttl_ms)}`) : null) : h("span.muted", "–")),
            ),
          ),
        );
        groups.replaceChildren(table(["stream", "group", "pending", "lag", "last delivered", "consumers", "lease holder"], rows, { empty: "no consumer groups yet" }));
        // Dead letters are re-read only when a dead-letter stream's length changed (or after an action).
        const dlqs = streams.filter((s) => s.kind === "dead-letter");
        const lengths = dlqs.map((s) => `${s.stream}=${s.length}`).join(",");
        if (lengths !== dlqLengths) {
          dlqLengths = lengths;
          await renderLetters(letters, dlqs, { toast, refresh: () => (dlqLengths = "") });
        }
      },
      (error) => toast(error.message, "error"),
    );
  },
};

async function renderLetters(container, dlqs, { toast, refresh }) {
  const withLetters = dlqs.filter((s) => s.length > 0);
  if (withLetters.length === 0) {
    container.replaceChildren(h("p.muted", "No dead letters: every entry was handled."));
    return;
  }
  const blocks = await Promise.all(
    withLetters.map(async (s) => {
      const source = s.stream.replace(/:dlq$/, "");
      const page = await query("admin.deadLetters.list", { stream: source, count: 100 });
      const picked = new Set();
      const act = async (action) => {
        if (picked.size === 0) return toast("select dead letters first");
        const answer = await mutate(`admin.deadLetters.${action}`, { stream: source, ids: [...picked] });
        toast(action === "redrive" ? `redriven: ${answer.redriven.length}${answer.missing.length ? `, missing: ${answer.missing.length}` : ""}` : `dropped: ${answer.dropped}`, "ok");
        refresh();
      };
      const rows = page.dead_letters.flatMap((d) => {
        const detail = h("tr.detail", { hidden: true }, h("td", { colSpan: 7 }, json(d)));
        const box = h("input", { type: "checkbox", name: "pick", value: d.id, onchange: (e) => (e.target.checked ? picked.add(d.id) : picked.delete(d.id)) });
        return [
          h(
            "tr.letter",
            { dataset: { id: d.id } },
            h("td", box),
            h("td.mono", h("a", { href: "#", onclick: (e) => (e.preventDefault(), (detail.hidden = !detail.hidden)) }, d.id)),
            h("td", fmtTime(d.moved_at)),
            h("td", d.group ?? "–"),
            h("td.mono", d.original_id ?? "–"),
            h("td.num", d.deliveries ?? "–"),
            h("td.error-text", d.error ?? "–"),
          ),
          detail,
        ];
      });
      return h(
        "section.dlq",
        { dataset: { stream: s.stream } },
        h("h3", s.stream, " ", badge(`${s.length}`, "warn")),
        h("div.toolbar", h("button", { onclick: () => act("redrive").catch((e) => toast(e.message, "error")) }, "Redrive selected"), h("button.danger", { onclick: () => act("drop").catch((e) => toast(e.message, "error")) }, "Drop selected")),
        table(["", "id", "moved at", "group", "original id", "deliveries", "last error"], rows),
        page.next_after ? h("p.muted", `showing the oldest ${page.dead_letters.length} of ${page.length}`) : null,
      );
    }),
  );
  container.replaceChildren(...blocks);
}
