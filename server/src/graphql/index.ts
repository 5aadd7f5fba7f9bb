export * from "./core-module.ts";
export * from "./create-graphql.ts";
export * from "./graphql-module.ts";
export * from "./routes.ts";
