/** @module Run routes: list, detail (tasks, commits, snapshots read), state history, create, cancel, retry. */
import {
  CancelResponseSchema, CreateRunBodySchema, RunDetailSchema, RunEventListSchema, RunPageSchema, RunPathSchema,
  RunSchema, RunsQuerySchema,
} from "../../../schemas/api-runs.ts";
import { ErrorBodySchema, PipelinePathSchema } from "../../../schemas/api.ts";
import { getRunEvents, listRuns } from "../../store/index.ts";
import type { ApiDeps } from "../deps.ts";
import { InvalidRequestError } from "../errors.ts";
import { presentEvent, presentRun } from "../present.ts";
import { createRunDetailCache } from "../run-cache.ts";
import { mustGetRun } from "./run-read.ts";
import { sendJson, type ResponseSpec, type Router } from "../route.ts";

const error = (description: string): ResponseSpec => ({ description, schema: ErrorBodySchema });

/** `since` as ISO 8601 text or epoch milliseconds. */
function parseSince(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = /^\d{1,15}$/.test(text) ? Number(text) : Date.parse(text);
  if (Number.isNaN(ms)) {
    throw new InvalidRequestError("invalid query", [{ path: "since", message: "an ISO 8601 time or epoch milliseconds" }]);
  }
  return ms;
}

export function runRoutes(router: Router, deps: ApiDeps): void {
  const details = createRunDetailCache(deps.store, deps.clock);
  deps.subscribe((event) => details.evict(event.runId));
  router.get(
    {
      path: "/api/runs",
      operationId: "listRuns",
      summary: "Runs, newest first, with stable cursor pagination",
      tag: "runs",
      query: RunsQuerySchema,
      responses: { 200: { description: "One page of runs", schema: RunPageSchema }, 400: error("Bad query") },
    },
    async (c, { query }) => {
      const page = await listRuns(deps.store, {
        pipeline: query.pipeline,
        state: query.state,
        since: parseSince(query.since),
        limit: query.limit,
        cursor: query.cursor,
      });
      return sendJson(c, { items: page.items.map(presentRun), nextCursor: page.nextCursor });
    },
  );

  router.get(
    {
      path: "/api/runs/:id",
      operationId: "getRun",
      summary: "One run: params, version, trigger, timings, tasks, commits made and snapshots read",
      tag: "runs",
      params: RunPathSchema,
      responses: { 200: { description: "The run", schema: RunDetailSchema }, 404: error("Unknown run") },
    },
    async (c, { params }) => c.body(await details.get(params.id), 200, { "content-type": "application/json; charset=utf-8" }),
  );

  router.get(
    {
      path: "/api/runs/:id/events",
      operationId: "getRunEvents",
      summary: "A run's state history: run and task transitions, oldest first",
      tag: "runs",
      params: RunPathSchema,
      responses: { 200: { description: "Transitions", schema: RunEventListSchema }, 404: error("Unknown run") },
    },
    async (c, { params }) => {
      await mustGetRun(deps.store, params.id);
      return sendJson(c, { items: (await getRunEvents(deps.store, params.id)).map(presentEvent) });
    },
  );

  router.post(
    {
      path: "/api/pipelines/:name/runs",
      operationId: "createRun",
      summary: "Start a run of a pipeline's active version; the same idempotencyKey returns the existing run",
      tag: "runs",
      params: PipelinePathSchema,
      body: CreateRunBodySchema,
      responses: {
        201: { description: "Created", schema: RunSchema },
        200: { description: "An existing run with this idempotencyKey", schema: RunSchema },
        404: error("Unknown pipeline"),
        409: error("The pipeline has no valid version"),
        422: error("Invalid body or params (issues with paths)"),
      },
    },
    async (c, { params, body }) => {
      const { run, created } = await deps.submitRun({
        pipeline: params.name,
        params: body.params,
        idempotencyKey: body.idempotencyKey,
        scheduledFor: body.scheduledFor === undefined ? undefined : Date.parse(body.scheduledFor),
        trigger: { kind: "api" },
      });
      return sendJson(c, presentRun(run), created ? 201 : 200);
    },
  );

  router.post(
    {
      path: "/api/runs/:id/cancel",
      operationId: "cancelRun",
      summary: "Ask a run to stop",
      tag: "runs",
      params: RunPathSchema,
      responses: {
        202: { description: "Cancellation requested", schema: CancelResponseSchema },
        404: error("Unknown run"),
        409: error("The run already ended"),
      },
    },
    async (c, { params }) => {
      await deps.cancelRun(params.id);
      const run = await mustGetRun(deps.store, params.id);
      return sendJson(c, { id: run.id, state: run.state }, 202);
    },
  );

  router.post(
    {
      path: "/api/runs/:id/retry",
      operationId: "retryRun",
      summary: "Start a new run with the same pipeline and params",
      tag: "runs",
      params: RunPathSchema,
      responses: {
        201: { description: "The new run", schema: RunSchema },
        404: error("Unknown run"),
        409: error("The run cannot be retried"),
      },
    },
    async (c, { params }) => sendJson(c, presentRun(await deps.retryRun(params.id)), 201),
  );
}
