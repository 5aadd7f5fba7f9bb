import type { Logger } from "../../server/src/log.ts";

/** One log call as a flat object: level, message, the logger's bindings and the call's fields. */
export interface LogLine {
  level: "trace" | "debug" | "info" | "warn" | "error";
  msg: string;
  [field: string]: unknown;
}

/** A Logger that keeps every line in memory, for tests that assert on what was logged. */
export function captureLogger(lines: LogLine[] = []): { logger: Logger; lines: LogLine[] } {
  const make = (bindings: Record<string, unknown>): Logger => {
    const at =
      (level: LogLine["level"]) =>
      (obj: object | string, msg?: string): void => {
        if (typeof obj === "string") lines.push({ ...bindings, level, msg: obj });
        else lines.push({ ...bindings, ...obj, level, msg: msg ?? "" });
      };
    return {
      trace: at("trace"),
      debug: at("debug"),
      info: at("info"),
      warn: at("warn"),
      error: at("error"),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return { logger: make({}), lines };
}
