import pkg from "../../package.json" with { type: "json" };

/** The release version, from the root package.json (embedded in the compiled binary). */
export const VERSION: string = pkg.version;
