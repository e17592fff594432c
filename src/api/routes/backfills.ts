/** @module Backfill routes: create one over a schedule's slots, read its grid of slots, list, cancel. */
import {
  BackfillListQuerySchema, BackfillListSchema, BackfillPathSchema, BackfillSchema, CreateBackfillBodySchema,
  type BackfillBody,
} from "../../../schemas/api-backfills.ts";
import { ErrorBodySchema, PipelinePathSchema } from "../../../schemas/api.ts";
import { NotFoundError } from "../../core/errors.ts";
import { getBackfill, listBackfills, type BackfillDetail, type BackfillRecord } from "../../store/index.ts";
import type { ApiDeps } from "../deps.ts";
import { iso, isoOrNull } from "../present.ts";
import { sendJson, type Router } from "../route.ts";

const error = (description: string) => ({ description, schema: ErrorBodySchema });

function presentRecord(b: BackfillRecord): Omit<BackfillBody, "slots" | "counts"> {
  return {
    id: b.id, pipeline: b.pipeline, scheduleId: b.scheduleId, from: iso(b.fromAt), to: iso(b.toAt), maxActive: b.maxActive,
    rerunFailed: b.rerunFailed, state: b.state, createdAt: iso(b.createdAt), endedAt: isoOrNull(b.endedAt),
  };
}

/** The backfill with its slots and a count per run state ("skipped" for slots that had already run). */
export function presentBackfill(b: BackfillDetail): BackfillBody {
  const counts: Record<string, number> = {};
  for (const s of b.slots) {
    const key = s.state ?? "missing";
    counts[key] = (counts[key] ?? 0) + 1;
    if (!s.created) counts.skipped = (counts.skipped ?? 0) + 1;
  }
  return {
    ...presentRecord(b), counts,
    slots: b.slots.map((s) => ({ slotAt: iso(s.slotAt), runId: s.runId, state: s.state, created: s.created })),
  };
}

export function backfillRoutes(router: Router, deps: ApiDeps): void {
  router.post(
    {
      path: "/api/pipelines/:name/backfills",
      operationId: "createBackfill",
      summary: "Create one run per slot of a schedule in [from, to]; slots that already ran are skipped (unless failed and rerunFailed)",
      tag: "backfills",
      params: PipelinePathSchema,
      body: CreateBackfillBodySchema,
      responses: {
        201: { description: "Created; runs are queued", schema: BackfillSchema },
        404: error("Unknown pipeline or schedule"),
        409: error("The pipeline has no valid version"),
        422: error("Invalid body, range (reversed, no slots, over 10,000 slots without yes) or params"),
      },
    },
    async (c, { params, body }) => sendJson(c, presentBackfill(await deps.createBackfill({ pipeline: params.name, ...body })), 201),
  );

  router.get(
    {
      path: "/api/backfills",
      operationId: "listBackfills",
      summary: "Backfills, newest first",
      tag: "backfills",
      query: BackfillListQuerySchema,
      responses: { 200: { description: "Backfills", schema: BackfillListSchema } },
    },
    async (c, { query }) => sendJson(c, { items: (await listBackfills(deps.store, { pipeline: query.pipeline })).map(presentRecord) }),
  );

  router.get(
    {
      path: "/api/backfills/:id",
      operationId: "getBackfill",
      summary: "A backfill: its state, counts per run state, and every slot with its run",
      tag: "backfills",
      params: BackfillPathSchema,
      responses: { 200: { description: "The backfill", schema: BackfillSchema }, 404: error("Unknown backfill") },
    },
    async (c, { params }) => {
      const b = await getBackfill(deps.store, params.id);
      if (!b) throw new NotFoundError("backfill", params.id);
      return sendJson(c, presentBackfill(b));
    },
  );

  router.post(
    {
      path: "/api/backfills/:id/cancel",
      operationId: "cancelBackfill",
      summary: "Cancel a backfill: its queued and running runs are cancelled",
      tag: "backfills",
      params: BackfillPathSchema,
      responses: { 200: { description: "The backfill", schema: BackfillSchema }, 404: error("Unknown backfill"), 409: error("Already ended") },
    },
    async (c, { params }) => sendJson(c, presentBackfill(await deps.cancelBackfill(params.id))),
  );
}
