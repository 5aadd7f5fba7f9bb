import pino from "pino";
import type { LogLevel } from "./config.ts";

/**
 * The logging surface domain code depends on: pino's, narrowed so that ports
 * and routers do not leak pino's types into the client's declarations.
 */
export interface Logger {
  trace(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** JSON lines on stdout, one object per event. */
export function createLogger(level: LogLevel): Logger {
  return pino({ level, base: { service: "gamejournal" }, timestamp: pino.stdTimeFunctions.isoTime });
}

/** A logger that drops everything; for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
