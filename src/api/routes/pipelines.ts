/** @module Pipeline routes: the loader's view (valid or not, last good version), params schema, schedules, plan. */
import { ErrorBodySchema, PipelineListSchema, PipelinePathSchema, PipelineSchema } from "../../../schemas/api.ts";
import type { PipelineBody, PlanBody } from "../../../schemas/api.ts";
import { NotFoundError } from "../../core/errors.ts";
import type { Plan } from "../../plan/types.ts";
import type { ApiDeps, PipelineStatus } from "../deps.ts";
import { sendJson, type Router } from "../route.ts";
import { schedulesOf } from "./schedules.ts";

/** Only what a client needs of the plan; retry and timeout internals stay in `floe plan`. */
function presentPlan(plan: Plan): PlanBody {
  return {
    version: plan.version,
    tasks: plan.tasks.map((t) => ({
      name: t.name,
      needs: t.needs,
      ...(t.map !== undefined ? { map: t.map } : {}),
      level: t.level,
      ...(t.pool !== undefined ? { pool: t.pool } : {}),
      tags: t.tags,
    })),
    edges: plan.edges,
    levels: plan.levels,
  };
}

async function presentPipeline(deps: ApiDeps, p: PipelineStatus): Promise<PipelineBody> {
  const active = p.active;
  return {
    name: p.name,
    file: p.file,
    valid: p.valid,
    version: active?.version ?? null,
    diagnostics: p.diagnostics.map((d) => ({ ...d })) as PipelineBody["diagnostics"],
    description: active?.spec.description ?? null,
    paramsSchema: active?.paramsSchema ?? null,
    schedules: await schedulesOf(deps, p.name),
    plan: active ? presentPlan(active.plan) : null,
  };
}

export function pipelineRoutes(router: Router, deps: ApiDeps): void {
  router.get(
    {
      path: "/api/pipelines",
      operationId: "listPipelines",
      summary: "Every pipeline the loader knows: validity, diagnostics, version, params schema, schedules, plan",
      tag: "pipelines",
      responses: { 200: { description: "Pipelines by name", schema: PipelineListSchema } },
    },
    async (c) => {
      const items = [...deps.pipelines()].sort((a, b) => a.name.localeCompare(b.name));
      const bodies: PipelineBody[] = [];
      for (const p of items) bodies.push(await presentPipeline(deps, p));
      return sendJson(c, { items: bodies });
    },
  );

  router.get(
    {
      path: "/api/pipelines/:name",
      operationId: "getPipeline",
      summary: "One pipeline",
      tag: "pipelines",
      params: PipelinePathSchema,
      responses: {
        200: { description: "The pipeline", schema: PipelineSchema },
        404: { description: "Unknown pipeline", schema: ErrorBodySchema },
      },
    },
    async (c, { params }) => {
      const p = deps.pipelines().find((x) => x.name === params.name);
      if (!p) throw new NotFoundError("pipeline", params.name);
      return sendJson(c, await presentPipeline(deps, p));
    },
  );
}
