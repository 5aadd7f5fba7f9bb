export * from "./describe.ts";
export * from "./document.ts";
export * from "./docs-routes.ts";
