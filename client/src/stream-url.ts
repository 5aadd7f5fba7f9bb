/** `http(s)://host[/base]` → `ws(s)://host[/base]/v3/stream`; a ws(s) URL is returned unchanged. */
export function resolveStreamUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`frame stream: url: expected an http(s) or ws(s) URL, got "${url}"`);
  }
  if (parsed.protocol === "ws:" || parsed.protocol === "wss:") return parsed.toString();
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError(`frame stream: url: expected an http(s) or ws(s) URL, got "${url}"`);
  }
  parsed.protocol = parsed.protocol === "https:" ? "wss:" : "ws:";
  parsed.pathname = `${parsed.pathname.replace(/\/+$/, "")}/v3/stream`;
  return parsed.toString();
}
