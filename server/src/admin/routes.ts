import { Hono } from "hono";
import { NotFoundError } from "../errors.ts";
import { need } from "../http/access.ts";
import { describeRoute } from "../http/openapi/index.ts";
import { jsonBody, parseWith } from "../http/validate.ts";
import { GroupRefSchema } from "../journal/schemas.ts";
import { DeadLetterIdsBodySchema, DeadLetterListInputSchema, dropDeadLetters, listDeadLetters, redriveDeadLetters } from "./dead-letters.ts";
import { CreateKeyInputSchema, deleteGroup, KeyIdSchema, type AdminDeps } from "./router.ts";
import { streamsOverview } from "./streams.ts";
import { JournalStreamSchema } from "@gamejournal/shared";
import { z } from "zod";

const DeadLetterStreamParamSchema = z.object({ stream: JournalStreamSchema.describe("the source stream; its dead letters are in <stream>:dlq") });
const GroupPathSchema = z.object({ stream: z.string(), group: z.string() });
const tags = ["admin"];

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
  app.post(
    "/v1/admin/keys",
    describeRoute({ summary: "create a server key (its text is in this answer only)", tags, body: { schema: CreateKeyInputSchema, example: { name: "eu-west game servers", scopes: ["ingest"] } }, responses: { 201: { description: "`{key, info}`" } } }),
    async (c) => {
    const input = parseWith(CreateKeyInputSchema, await jsonBody(c));
    return c.json(await deps.access.createKey(input.name, input.scopes), 201);
  });
  app.get("/v1/admin/keys", describeRoute({ summary: "list server keys, newest first (never their secrets)", tags, responses: { 200: { description: "`{keys: [...]}`" } } }), async (c) => c.json({ keys: await deps.access.listKeys() }));
  app.delete("/v1/admin/keys/:id", describeRoute({ summary: "revoke a server key", tags, params: KeyIdSchema, responses: { 200: { description: "`{revoked: true, id}`" }, 404: { description: "no active key with this id" } } }), async (c) => {
    const { id } = parseWith(KeyIdSchema, { id: c.req.param("id") });
    if (!(await deps.access.revokeKey(id))) throw new NotFoundError(`no active server key ${id}`);
    return c.json({ revoked: true, id });
  });
  app.delete(
    "/v1/admin/groups/:stream/:group",
    describeRoute({ summary: "delete a consumer group with its pending entries (not a built-in worker's)", tags, params: GroupRefSchema, responses: { 200: { description: "`{deleted: true, stream, group}`" }, 404: { description: "no such group" } } }),
    async (c) => {
    const ref = parseWith(GroupRefSchema, { stream: c.req.param("stream"), group: c.req.param("group") });
    const result = await deleteGroup(deps, ref.stream, ref.group);
    if (!result.deleted) throw new NotFoundError(`no consumer group ${ref.group} on ${ref.stream}`);
    return c.json({ deleted: true, ...ref });
  });
  app.get(
    "/v1/admin/streams",
    describeRoute({ summary: "the journal streams and their dead-letter streams, with each group's consumers, idle times, worker and lease holder", tags, responses: { 200: { description: "`{streams: [...]}`" } } }),
    async (c) => c.json({ streams: await streamsOverview(deps.journal.journal, deps.workers()) }));
  app.get(
    "/v1/admin/dead-letters/:stream",
    describeRoute({
      summary: "a page of a stream's dead letters, oldest first, with the error and the original event",
      tags,
      params: DeadLetterStreamParamSchema,
      query: DeadLetterListInputSchema.omit({ stream: true }),
      responses: { 200: { description: "`{stream, dead_letter_stream, length, dead_letters: [...], next_after?}`" } },
    }),
    async (c) => {
    const input = parseWith(DeadLetterListInputSchema, { ...c.req.query(), stream: c.req.param("stream") });
    return c.json(await listDeadLetters(deps.journal.journal, input));
  });
  app.post(
    "/v1/admin/dead-letters/:stream/redrive",
    describeRoute({
      summary: "append dead letters' original events to their stream again, and remove them from the dead-letter stream",
      tags,
      params: DeadLetterStreamParamSchema,
      body: { schema: DeadLetterIdsBodySchema, example: { ids: ["1732350000000-0"] } },
      responses: { 200: { description: "`{redriven: [{id, new_id}], missing: [ids]}`" } },
    }),
    async (c) => {
    const { stream } = parseWith(DeadLetterStreamParamSchema, { stream: c.req.param("stream") });
    const { ids } = parseWith(DeadLetterIdsBodySchema, await jsonBody(c));
    return c.json(await redriveDeadLetters(deps.journal.journal, { stream, ids }));
  });
  app.post(
    "/v1/admin/dead-letters/:stream/drop",
    describeRoute({ summary: "remove dead letters for good", tags, params: DeadLetterStreamParamSchema, body: { schema: DeadLetterIdsBodySchema, example: { ids: ["1732350000000-0"] } }, responses: { 200: { description: "`{dropped}`" } } }),
    async (c) => {
    const { stream } = parseWith(DeadLetterStreamParamSchema, { stream: c.req.param("stream") });
    const { ids } = parseWith(DeadLetterIdsBodySchema, await jsonBody(c));
    return c.json(await dropDeadLetters(deps.journal.journal, { stream, ids }));
  });
  return app;
}
