export * from "./instance-name.ts";
export * from "./lease.ts";
export * from "./partition-leases.ts";
export * from "./worker-runner.ts";
