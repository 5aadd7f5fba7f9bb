/**
 * A configuration value that cannot be used; `message` is one printable
 * line. Its own file so that a domain's settings parser (e.g.
 * lobby/config.ts), which config.ts imports, can throw it without an import
 * circle.
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`config: ${variable}: ${reason}`);
    this.name = "ConfigError";
  }
}
