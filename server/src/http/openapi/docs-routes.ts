import { Hono } from "hono";
import swaggerCss from "swagger-ui-dist/swagger-ui.css" with { type: "text" };
import swaggerJs from "swagger-ui-dist/swagger-ui-bundle.js" with { type: "text" };
import { describeRoute } from "./describe.ts";

/** Starts Swagger UI on /openapi.json; no validator badge (it would call out to the internet). */
const INIT_JS = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", validatorUrl: null, deepLinking: true, persistAuthorization: false, tryItOutEnabled: true });`;

/** The page: Swagger UI's bundle and style from this server. */
const DOCS_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>gamejournal REST API</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
    <style>
      body { margin: 0; }
      .topbar { display: none; }
      .gj-bar { font: 14px system-ui, sans-serif; padding: 8px 20px; background: #1d2433; color: #e6e9ef; }
      .gj-bar a { color: #9cc3ff; margin-right: 16px; }
    </style>
  </head>
  <body>
    <div class="gj-bar"><b>gamejournal</b> &nbsp; <a href="/openapi.json">openapi.json</a><a href="/console">console</a><a href="/graphql">GraphiQL</a></div>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

const ONE_DAY = "public, max-age=86400";

/**
 * The REST API's description and its docs page, served by the binary itself
 * (nothing from a CDN): `GET /openapi.json` (OpenAPI 3.1, built once from
 * the routes by `document`) and `GET /docs` (Swagger UI from the
 * swagger-ui-dist package, embedded at build time).
 */
export function docsRoutes(document: () => object): Hono {
  const app = new Hono();
  let cached: string | undefined;
  const tags = ["docs"];
  app.get("/openapi.json", describeRoute({ summary: "this document: the REST API as OpenAPI 3.1", tags, responses: { 200: { description: "the OpenAPI document" } } }), (c) => {
    cached ??= JSON.stringify(document());
    return c.body(cached, 200, { "Content-Type": "application/json; charset=utf-8" });
  });
  app.get("/docs", describeRoute({ summary: "the REST API's docs page (Swagger UI, served locally)", tags, responses: { 200: { description: "an HTML page", contentType: "text/html" } } }), (c) =>
    c.html(DOCS_PAGE),
  );
  const asset = (body: string, type: string) => (c: { body: (b: string, s: 200, h: Record<string, string>) => Response }) => c.body(body, 200, { "Content-Type": type, "Cache-Control": ONE_DAY });
  app.get("/docs/swagger-ui.css", describeRoute({ summary: "the docs page's style sheet", tags, responses: { 200: { description: "CSS", contentType: "text/css" } } }), asset(swaggerCss, "text/css; charset=utf-8"));
  app.get("/docs/swagger-ui-bundle.js", describeRoute({ summary: "the docs page's script (Swagger UI)", tags, responses: { 200: { description: "JavaScript", contentType: "text/javascript" } } }), asset(swaggerJs, "text/javascript; charset=utf-8"));
  app.get("/docs/init.js", describeRoute({ summary: "the docs page's start-up script", tags, responses: { 200: { description: "JavaScript", contentType: "text/javascript" } } }), asset(INIT_JS, "text/javascript; charset=utf-8"));
  return app;
}
