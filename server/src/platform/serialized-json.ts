/**
 * A value already serialised to JSON. Live feeds serialise each event once
 * and hand the same instance to every subscriber; the WebSocket handler
 * splices `json` into its envelope as is. Anything else that serialises it
 * (the SSE transport, `JSON.stringify`) goes through `toJSON` and gets the
 * parsed value, so it is always correct, only slower.
 */
export class SerializedJson<T = unknown> {
  private parsed: T | undefined;

  constructor(
    readonly json: string,
    value?: T,
  ) {
    this.parsed = value;
  }

  static of<T>(value: T): SerializedJson<T> {
    return new SerializedJson(JSON.stringify(value), value);
  }

  toJSON(): T {
    return (this.parsed ??= JSON.parse(this.json) as T);
  }
}
