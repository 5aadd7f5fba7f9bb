export * from "./worker-runner.ts";
