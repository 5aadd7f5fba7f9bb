/** Small readers of untyped JSON values, shared by the fold's files. */

const MAX_TIME = 8.64e15;

/** Epoch ms from epoch ms or an ISO 8601 string; undefined when absent or not a usable time. */
export function timeOf(value: unknown): number | undefined {
  const ms = typeof value === "number" ? value : typeof value === "string" ? Date.parse(value) : NaN;
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIME ? Math.floor(ms) : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A string, or a finite number as a string; "" otherwise. */
export function text(value: unknown): string {
  return typeof value === "string" ? value : typeof value === "number" && Number.isFinite(value) ? String(value) : "";
}

/** The string, finite number and boolean entries of `record`, as own properties of a plain object. */
export function scalarsOf(record: Record<string, unknown>): Record<string, string | number | boolean> {
  return Object.fromEntries(
    Object.entries(record).filter(([, v]) => typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v))),
  ) as Record<string, string | number | boolean>;
}

/** An ISO 8601 time in UTC from epoch ms. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
