export * from "./lease.ts";
export * from "./worker-runner.ts";
