import { ValidationError } from "../errors.ts";

/**
 * Game addresses as nevr-agent takes them: `host:port`, a range
 * `host:6721-6730`, or a list `host:6721,6725-6727`; an IPv6 host goes in
 * brackets (`[::1]:6721`). Returns one `http://host:port` base URL per
 * port, in the order given, without repeats.
 */
export function parseTargets(args: readonly string[]): string[] {
  if (args.length === 0) throw new ValidationError("targets: give at least one game address, e.g. 127.0.0.1:6721", "targets");
  const urls = new Set<string>();
  for (const arg of args) {
    const match = /^(\[[^\]]+\]|[^:\s]+):([\d,\s-]+)$/.exec(arg.trim());
    if (!match) throw new ValidationError(`targets: "${arg}": expected host:port, host:startPort-endPort or host:port,port`, "targets");
    const [, host, ports] = match;
    for (const part of ports!.split(",").map((p) => p.trim()).filter(Boolean)) {
      const bounds = part.split("-").map((p) => p.trim());
      if (bounds.length > 2) throw new ValidationError(`targets: "${arg}": "${part}" is not a port or a range`, "targets");
      const start = portOf(arg, bounds[0]!);
      const end = portOf(arg, bounds[1] ?? bounds[0]!);
      if (start > end) throw new ValidationError(`targets: "${arg}": range ${part} runs backwards`, "targets");
      for (let port = start; port <= end; port++) urls.add(`http://${host}:${port}`);
    }
  }
  if (urls.size === 0) throw new ValidationError("targets: no ports given", "targets");
  return [...urls];
}

function portOf(arg: string, text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new ValidationError(`targets: "${arg}": "${text}" is not a port (1-65535)`, "targets");
  return port;
}
