// The console's only door to the server: its own public API (tRPC over HTTP as plain JSON,
// tRPC subscriptions and the journal's live routes over SSE, /metrics), with the admin
// token from the login form.

const TOKEN_KEY = "gamejournal.console.token";

export const auth = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY) ?? "";
  },
  set token(value) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
};

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

function headers(extra = {}) {
  return auth.token ? { Authorization: `Bearer ${auth.token}`, ...extra } : extra;
}

async function unwrap(res) {
  const body = await res.json().catch(() => null);
  if (!res.ok || body?.error) throw new ApiError(body?.error?.message ?? body?.error ?? `HTTP ${res.status}`, res.status);
  return body?.result?.data;
}

/** A tRPC query: `GET /trpc/<path>?input=<json>`. */
export async function query(path, input) {
  const qs = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  return unwrap(await fetch(`/trpc/${path}${qs}`, { headers: headers() }));
}

/** A tRPC mutation: `POST /trpc/<path>` with the input as the JSON body. */
export async function mutate(path, input) {
  return unwrap(await fetch(`/trpc/${path}`, { method: "POST", headers: headers({ "Content-Type": "application/json" }), body: JSON.stringify(input ?? null) }));
}

/** A REST GET answering text (e.g. /metrics). */
export async function text(path) {
  const res = await fetch(path, { headers: headers() });
  if (!res.ok) throw new ApiError(`HTTP ${res.status}`, res.status);
  return res.text();
}

/**
 * Follows a journal stream over `GET /v1/journal/{stream}/live` (read with fetch, so the
 * token travels in a header, not in the URL), calling `onEntry(entry)` for each entry and
 * `onNotice(kind, data)` for `events_lost` and `error`. Reconnects from the last id after
 * a drop, as an EventSource would. Stops when `signal` aborts.
 */
export function follow(stream, options) {
  return followSse(`/v1/journal/${encodeURIComponent(stream)}/live`, options);
}

/** Any of the server's SSE routes (e.g. a lobby game's `/v1/lobby/games/{id}/live`), as `follow` reads them. */
export async function followSse(path, { onEntry, onNotice, onState, signal, lastEventId = null }) {
  let last = lastEventId;
  while (!signal.aborted) {
    try {
      const qs = last ? `${path.includes("?") ? "&" : "?"}lastEventId=${encodeURIComponent(last)}` : "";
      const res = await fetch(`${path}${qs}`, { headers: headers({ Accept: "text/event-stream" }), signal });
      if (!res.ok) {
        const body = await res.json().catch(() => ({}));
        throw new ApiError(body.error ?? `HTTP ${res.status}`, res.status);
      }
      onState?.("live");
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const event = parseSse(block);
          if (!event) continue;
          if (event.id) last = event.id;
          if (event.event && event.event !== "message") onNotice?.(event.event, event.data);
          else if (event.data) onEntry(JSON.parse(event.data));
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      onState?.(`reconnecting: ${error.message}`);
      if (error instanceof ApiError && (error.status === 400 || error.status === 401 || error.status === 403)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * A tRPC subscription over SSE (`GET /trpc/<path>?input=<json>`), read as `followSse` reads it:
 * after a drop it reconnects with the last id it saw, which tRPC hands the procedure as
 * `input.lastEventId`. tRPC's own `connected` and `ping` messages are not passed on.
 */
export function subscribe(path, input, { onNotice, ...options }) {
  const quiet = (kind, data) => (kind === "connected" || kind === "ping" ? undefined : onNotice?.(kind, data));
  return followSse(`/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { ...options, onNotice: quiet });
}

function parseSse(block) {
  const event = { data: "" };
  let any = false;
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue;
    const at = line.indexOf(":");
    const field = at < 0 ? line : line.slice(0, at);
    const value = at < 0 ? "" : line.slice(at + 1).replace(/^ /, "");
    if (field === "data") event.data += (event.data ? "\n" : "") + value;
    else if (field === "id" || field === "event") event[field] = value;
    any = true;
  }
  return any ? event : null;
}

/** Prometheus text → [{name, labels, value}]. */
export function parseMetrics(body) {
  const samples = [];
  for (const line of body.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    for (const pair of (m[3] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2];
    samples.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return samples;
}
