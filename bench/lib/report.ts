/** What each scenario returns, what latest.json holds, and the table printed from it. */

export type Figures = Record<string, number | string | null>;

export interface Baseline {
  name: string;
  figures: Figures;
}

export interface Row {
  /** ingest, embedded, fanout, replay, connections, storage, games. */
  scenario: string;
  /** The measured case, e.g. "tRPC journal.playerAction, 50 clients". */
  case: string;
  figures: Figures;
  baselines: Baseline[];
  /** The figure the ratios compare (same name in figures and baselines). */
  compare: string;
  /** figures[compare] / baseline.figures[compare], per baseline name. */
  ratio: Record<string, number | null>;
  /** The target for this case, when it has one. */
  target?: { text: string; met: boolean | null };
  /** False when the server does not offer what the case needs (e.g. /v3/stream). */
  available: boolean;
  notes: string[];
}

export function row(r: Omit<Row, "ratio" | "available" | "notes"> & { available?: boolean; notes?: string[] }): Row {
  const ratio: Record<string, number | null> = {};
  for (const b of r.baselines) {
    const ours = r.figures[r.compare];
    const theirs = b.figures[r.compare];
    ratio[b.name] = typeof ours === "number" && typeof theirs === "number" && theirs !== 0 && Number.isFinite(ours) ? round(ours / theirs, 3) : null;
  }
  return { available: true, notes: [], ...r, ratio };
}

export function unavailable(scenario: string, name: string, why: string): Row {
  return { scenario, case: name, figures: {}, baselines: [], compare: "", ratio: {}, available: false, notes: [why] };
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

const UNITS: Record<string, string> = {
  commands_per_s: "cmd/s",
  events_per_s: "ev/s",
  entries_per_s: "entries/s",
  server_events_per_s: "ev/s in the server",
  bytes_per_s: "MB/s",
  p50_ms: "p50 ms",
  p99_ms: "p99 ms",
  max_ms: "max ms",
  bytes_per_event: "B/event",
  bytes_per_connection: "B/conn",
  kib_per_connection: "KiB/conn",
  lost: "lost",
};

function formatValue(v: number | string | null): string {
  if (v === null) return "n/a";
  if (typeof v === "string") return v;
  if (!Number.isFinite(v)) return "n/a";
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString("en-US");
  return String(round(v, Math.abs(v) >= 100 ? 0 : 2));
}

/** The figures worth a table cell, in a stable order; the JSON keeps them all. */
export function formatFigures(f: Figures): string {
  const keys = Object.keys(UNITS).filter((k) => k in f && !(k === "lost" && f[k] === 0));
  return keys.map((k) => `${formatValue(k === "bytes_per_s" && typeof f[k] === "number" ? round(f[k] / 1e6, 1) : f[k]!)} ${UNITS[k]}`).join(", ");
}

export function formatTable(rows: Row[]): string {
  const lines: string[][] = [["scenario", "case", "gamejournal", "baseline", "baseline figures", "ratio", "target"]];
  for (const r of rows) {
    if (!r.available) {
      lines.push([r.scenario, r.case, "not available", "", "", "", r.notes.join("; ")]);
      continue;
    }
    const target = r.target ? `${r.target.text}: ${r.target.met === null ? "n/a" : r.target.met ? "met" : "NOT met"}` : "";
    if (r.baselines.length === 0) lines.push([r.scenario, r.case, formatFigures(r.figures), "", "", "", target]);
    r.baselines.forEach((b, i) => {
      const ratio = r.ratio[b.name];
      lines.push([
        i === 0 ? r.scenario : "",
        i === 0 ? r.case : "",
        i === 0 ? formatFigures(r.figures) : "",
        b.name,
        formatFigures(b.figures),
        ratio === null || ratio === undefined ? "n/a" : `${ratio}× ${r.compare}`,
        i === 0 ? target : "",
      ]);
    });
  }
  const widths = lines[0]!.map((_, c) => Math.max(...lines.map((l) => l[c]!.length)));
  const fmt = (l: string[]) => `| ${l.map((cell, c) => cell.padEnd(widths[c]!)).join(" | ")} |`;
  return [fmt(lines[0]!), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...lines.slice(1).map(fmt)].join("\n");
}
