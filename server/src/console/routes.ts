import { Hono } from "hono";
import { z } from "zod";
import { NotFoundError } from "../errors.ts";
import { describeRoute } from "../http/openapi/index.ts";
import { CONSOLE_ASSETS, CONSOLE_PAGE } from "./assets.ts";

/** Only this server: the page, its scripts and styles, and the API it calls. */
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
const tags = ["console"];
const AssetPathSchema = z.object({ asset: z.enum([...CONSOLE_ASSETS.keys()] as [string, ...string[]]).describe("a file of the console") });

/**
 * The operator console at `/console`: a page and its files, all embedded in
 * the binary and public (the page asks for an admin credential and sends it
 * with each API call; nothing is reachable without it). `GET /` leads there.
 */
export function consoleRoutes(): Hono {
  const app = new Hono();
  app.get("/", describeRoute({ summary: "redirects to the console", tags, responses: { 302: { description: "to /console" } } }), (c) => c.redirect("/console", 302));
  app.get("/console", describeRoute({ summary: "the operator console (sign in with an admin credential)", tags, responses: { 200: { description: "an HTML page", contentType: "text/html" } } }), (c) =>
    c.html(CONSOLE_PAGE, 200, { "Content-Security-Policy": CSP, "Cache-Control": "no-cache" }),
  );
  app.get(
    "/console/:asset{.+\\.(?:js|css)}",
    describeRoute({ summary: "a script or style sheet of the console", tags, params: AssetPathSchema, responses: { 200: { description: "JavaScript or CSS" }, 404: { description: "no such file" } } }),
    (c) => {
      const asset = CONSOLE_ASSETS.get(c.req.param("asset"));
      if (!asset) throw new NotFoundError(`no console file ${c.req.param("asset")}`);
      return c.body(asset.body, 200, { "Content-Type": asset.type, "Cache-Control": "no-cache", "Content-Security-Policy": CSP });
    },
  );
  return app;
}
