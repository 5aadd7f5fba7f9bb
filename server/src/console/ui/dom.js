// Small DOM helpers: an element builder, formatting, and a sparkline.

/** h("div#id.card", {onclick}, child, ...) → an element; strings become text nodes. */
export function h(tag, props, ...children) {
  const [head, ...classes] = tag.split(".");
  const [name, id] = head.split("#");
  const el = document.createElement(name || "div");
  if (id) el.id = id;
  if (classes.length) el.className = classes.join(" ");
  if (props !== null && props !== undefined && (typeof props !== "object" || props instanceof Node || Array.isArray(props))) children.unshift(props);
  else if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else if (key === "dataset") Object.assign(el.dataset, value);
      else if (key in el && key !== "list") el[key] = value;
      else el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function table(headers, rows, { empty = "nothing yet" } = {}) {
  return h(
    "table",
    h("thead", h("tr", headers.map((x) => h("th", x)))),
    h("tbody", rows.length ? rows : h("tr", h("td.muted", { colSpan: headers.length }, empty))),
  );
}

export function fmtNumber(n, digits = 0) {
  if (n === null || n === undefined || Number.isNaN(n)) return "–";
  return Number(n).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function fmtAgo(ms) {
  if (ms === null || ms === undefined) return "–";
  const s = Math.max(0, ms) / 1000;
  if (s < 1) return `${Math.round(ms)} ms`;
  if (s < 90) return `${s.toFixed(1)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export function fmtTime(ms) {
  return ms ? new Date(ms).toISOString().replace("T", " ").replace("Z", "") : "–";
}

/** The append time of an entry id `<ms>-<seq>`. */
export function idTime(id) {
  return id ? Number(String(id).split("-")[0]) : null;
}

export function json(value) {
  return h("pre.json", JSON.stringify(value, null, 2));
}

export function badge(text, kind = "") {
  return h(`span.badge${kind ? `.${kind}` : ""}`, text);
}

/** A small line chart of the last values (an inline SVG), with the newest value as its label. */
export function sparkline(title, values, { unit = "", digits = 0 } = {}) {
  const w = 220;
  const hgt = 48;
  values = values.map((v) => (Number.isFinite(v) ? v : 0));
  const max = Math.max(1e-9, ...values);
  const step = values.length > 1 ? w / (values.length - 1) : w;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(hgt - 2 - (v / max) * (hgt - 6)).toFixed(1)}`).join(" ");
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", `0 0 ${w} ${hgt}`);
  svg.setAttribute("class", "spark");
  svg.innerHTML = `<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="${points}"/>`;
  const last = values.length ? values[values.length - 1] : null;
  return h("div.chart", h("div.chart-title", title, h("b", `${fmtNumber(last, digits)}${unit}`)), svg);
}

/** Runs `task` now and every `ms` until `signal` aborts; errors go to `onError`. */
export function every(ms, signal, task, onError) {
  let timer;
  const run = async () => {
    try {
      await task();
    } catch (error) {
      onError?.(error);
    }
    if (!signal.aborted) timer = setTimeout(run, ms);
  };
  signal.addEventListener("abort", () => clearTimeout(timer));
  void run();
}
