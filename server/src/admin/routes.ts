import { Hono } from "hono";
import { NotFoundError } from "../errors.ts";
import { need } from "../http/access.ts";
import { jsonBody, parseWith } from "../http/validate.ts";
import { GroupRefSchema } from "../journal/schemas.ts";
import { DeadLetterIdsBodySchema, DeadLetterListInputSchema, dropDeadLetters, listDeadLetters, redriveDeadLetters } from "./dead-letters.ts";
import { CreateKeyInputSchema, deleteGroup, KeyIdSchema, type AdminDeps } from "./router.ts";
import { streamsOverview } from "./streams.ts";
import { JournalStreamSchema } from "@gamejournal/shared";
import { z } from "zod";

const DeadLetterStreamParamSchema = z.object({ stream: JournalStreamSchema });

/**
 * Operator routes under `/v1/admin/` (the `admin` scope): server keys
 * (`POST /v1/admin/keys` → `{key, info}`, the key shown this once;
 * `GET /v1/admin/keys`; `DELETE /v1/admin/keys/{id}`) and consumer groups
 * (`DELETE /v1/admin/groups/{stream}/{group}`), the streams overview
 * (`GET /v1/admin/streams`), and dead letters (`GET
 * /v1/admin/dead-letters/{stream}`, `POST …/{stream}/redrive` and
 * `…/{stream}/drop` with `{"ids": [...]}`).
 */
export function adminRoutes(deps: AdminDeps): Hono {
  const app = new Hono();
  app.use("/v1/admin/*", need("admin"));
  app.post("/v1/admin/keys", async (c) => {
    const input = parseWith(CreateKeyInputSchema, await jsonBody(c));
    return c.json(await deps.access.createKey(input.name, input.scopes), 201);
  });
  app.get("/v1/admin/keys", async (c) => c.json({ keys: await deps.access.listKeys() }));
  app.delete("/v1/admin/keys/:id", async (c) => {
    const { id } = parseWith(KeyIdSchema, { id: c.req.param("id") });
    if (!(await deps.access.revokeKey(id))) throw new NotFoundError(`no active server key ${id}`);
    return c.json({ revoked: true, id });
  });
  app.delete("/v1/admin/groups/:stream/:group", async (c) => {
    const ref = parseWith(GroupRefSchema, { stream: c.req.param("stream"), group: c.req.param("group") });
    const result = await deleteGroup(deps, ref.stream, ref.group);
    if (!result.deleted) throw new NotFoundError(`no consumer group ${ref.group} on ${ref.stream}`);
    return c.json({ deleted: true, ...ref });
  });
  app.get("/v1/admin/streams", async (c) => c.json({ streams: await streamsOverview(deps.journal.journal, deps.workers()) }));
  app.get("/v1/admin/dead-letters/:stream", async (c) => {
    const input = parseWith(DeadLetterListInputSchema, { ...c.req.query(), stream: c.req.param("stream") });
    return c.json(await listDeadLetters(deps.journal.journal, input));
  });
  app.post("/v1/admin/dead-letters/:stream/redrive", async (c) => {
    const { stream } = parseWith(DeadLetterStreamParamSchema, { stream: c.req.param("stream") });
    const { ids } = parseWith(DeadLetterIdsBodySchema, await jsonBody(c));
    return c.json(await redriveDeadLetters(deps.journal.journal, { stream, ids }));
  });
  app.post("/v1/admin/dead-letters/:stream/drop", async (c) => {
    const { stream } = parseWith(DeadLetterStreamParamSchema, { stream: c.req.param("stream") });
    const { ids } = parseWith(DeadLetterIdsBodySchema, await jsonBody(c));
    return c.json(await dropDeadLetters(deps.journal.journal, { stream, ids }));
  });
  return app;
}
