/**
 * Files imported as text (`with { type: "text" }`) so `bun build --compile`
 * embeds them in the binary: the console's scripts and styles, and the docs
 * page's Swagger UI bundle.
 */
declare module "*.css" {
  const text: string;
  export default text;
}
declare module "swagger-ui-dist/swagger-ui-bundle.js" {
  const text: string;
  export default text;
}
