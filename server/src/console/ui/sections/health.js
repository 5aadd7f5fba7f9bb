// Health and the main metrics: the /health report and small charts from /metrics (this instance).
import { parseMetrics, query, text } from "../api.js";
import { badge, every, fmtNumber, h, sparkline, table } from "../dom.js";

const POINTS = 60;

/** What each chart shows: a sum of gauges, or a rate of counters, from the metric samples. */
const CHARTS = [
  { title: "HTTP requests / s", rate: "gamejournal_http_requests_total", digits: 1 },
  { title: "events appended / s", rate: "gamejournal_journal_events_appended_total", digits: 1 },
  { title: "live subscribers", sum: ["gamejournal_telemetry_subscribers", "gamejournal_journal_follow_subscribers"] },
  { title: "WebSocket connections", sum: ["gamejournal_websocket_connections"] },
  { title: "consumer group lag", sum: ["gamejournal_journal_group_lag"] },
  { title: "pending (unacked)", sum: ["gamejournal_journal_group_pending"] },
  { title: "open matches", sum: ["gamejournal_matches_open"] },
  { title: "spool depth", sum: ["gamejournal_journal_spool_depth"] },
  { title: "resident memory", sum: ["gamejournal_process_resident_memory_bytes"], scale: 1 / 1048576, unit: " MiB", digits: 1 },
  { title: "event loop lag p99", sum: ["gamejournal_nodejs_eventloop_lag_p99_seconds"], scale: 1000, unit: " ms", digits: 1 },
];

function total(samples, name) {
  return samples.filter((s) => s.name === name).reduce((n, s) => n + s.value, 0);
}

export default {
  id: "health",
  title: "Health",
  render(root, { signal, toast }) {
    const status = h("div.cards");
    const deps = h("div");
    const charts = h("div.charts");
    root.append(h("h2", "Health"), status, deps, h("h2", "Metrics ", h("span.muted", "(this instance, every 2 s)")), charts);
    const history = CHARTS.map(() => []);
    let previous;
    every(
      2000,
      signal,
      async () => {
        const [report, metrics] = await Promise.all([query("system.health"), text("/metrics")]);
        status.replaceChildren(
          h("div.card", h("div.label", "status"), badge(report.status, report.status === "healthy" ? "ok" : "warn")),
          h("div.card", h("div.label", "version"), h("b", report.version)),
          h("div.card", h("div.label", "journal"), h("b", report.backend.journal)),
          h("div.card", h("div.label", "documents"), h("b", report.backend.documents)),
        );
        deps.replaceChildren(
          table(
            ["dependency", "status", "latency", "details"],
            Object.entries(report.dependencies).map(([name, d]) =>
              h(
                "tr",
                h("td", name),
                h("td", badge(d.status, d.status === "up" ? "ok" : "warn")),
                h("td", d.latency_ms === undefined ? "–" : `${fmtNumber(d.latency_ms, 1)} ms`),
                h("td.muted", Object.entries(d).filter(([k]) => !["status", "latency_ms"].includes(k)).map(([k, v]) => `${k}: ${v}`).join(", ")),
              ),
            ),
          ),
        );
        const samples = parseMetrics(metrics);
        const now = performance.now();
        CHARTS.forEach((chart, i) => {
          let value;
          if (chart.rate) {
            const count = total(samples, chart.rate);
            value = previous ? Math.max(0, count - previous.counts[i]) / ((now - previous.at) / 1000) : 0;
          } else {
            value = chart.sum.reduce((n, name) => n + total(samples, name), 0) * (chart.scale ?? 1);
          }
          history[i].push(value);
          if (history[i].length > POINTS) history[i].shift();
        });
        previous = { at: now, counts: CHARTS.map((c) => (c.rate ? total(samples, c.rate) : 0)) };
        charts.replaceChildren(...CHARTS.map((chart, i) => sparkline(chart.title, history[i], { unit: chart.unit ?? "", digits: chart.digits ?? 0 })));
      },
      (error) => toast(error.message, "error"),
    );
  },
};
