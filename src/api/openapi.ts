/**
 * @module The OpenAPI 3.1 document, generated from the router's route declarations and the zod schemas in
 * `schemas/api*.ts` (via `z.toJSONSchema`, whose draft 2020-12 output is OpenAPI 3.1's schema dialect).
 */
import { z } from "zod";
import * as common from "../../schemas/api.ts";
import * as repos from "../../schemas/api-repos.ts";
import * as runs from "../../schemas/api-runs.ts";
import * as backfills from "../../schemas/api-backfills.ts";
import type { RegisteredRoute } from "./route.ts";

/** Named schemas, shown under components and referenced by `$ref` wherever they appear. */
export const API_COMPONENTS: Readonly<Record<string, z.ZodType>> = {
  Error: common.ErrorBodySchema,
  Issue: common.IssueSchema,
  ErrorInfo: common.ErrorInfoSchema,
  Health: common.HealthSchema,
  Diagnostic: common.DiagnosticSchema,
  Plan: common.PlanSchema,
  Pipeline: common.PipelineSchema,
  PipelineList: common.PipelineListSchema,
  Schedule: common.ScheduleSchema,
  ScheduleList: common.ScheduleListSchema,
  Commit: common.CommitSchema,
  CommitPage: common.CommitPageSchema,
  SnapshotRead: common.SnapshotReadSchema,
  SnapshotLineage: runs.SnapshotLineageSchema,
  Run: runs.RunSchema,
  RunDetail: runs.RunDetailSchema,
  RunPage: runs.RunPageSchema,
  TaskRun: runs.TaskRunSchema,
  RunEvent: runs.RunEventSchema,
  RunEventList: runs.RunEventListSchema,
  LogLine: runs.LogLineSchema,
  LogPage: runs.LogPageSchema,
  CreateRunBody: runs.CreateRunBodySchema,
  CancelResponse: runs.CancelResponseSchema,
  CreateBackfillBody: backfills.CreateBackfillBodySchema,
  Backfill: backfills.BackfillSchema,
  BackfillList: backfills.BackfillListSchema,
  Artifact: runs.ArtifactSchema,
  ArtifactList: runs.ArtifactListSchema,
  RepoList: repos.RepoListSchema,
  RepoOverview: repos.RepoOverviewSchema,
  RepoTree: repos.TreeSchema,
  RepoDiff: repos.DiffSchema,
};

type JsonSchema = Record<string, unknown>;
const REF = "#/components/schemas/";

function strip(schema: JsonSchema): JsonSchema {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

/** Path and query parameters, one per key of the route's zod object. */
function parameters(schema: z.ZodType | undefined, where: "path" | "query"): JsonSchema[] {
  if (!(schema instanceof z.ZodObject)) return [];
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => {
    const { description, ...json } = strip(z.toJSONSchema(field, { io: "input", unrepresentable: "any" }) as JsonSchema);
    return {
      name,
      in: where,
      required: where === "path" || !field.safeParse(undefined).success,
      ...(description !== undefined ? { description } : {}),
      schema: json,
    };
  });
}

export interface OpenApiInfo {
  version: string;
  /** When true, every route but the public ones declares bearer auth. */
  auth: boolean;
}

export function openApiDocument(routes: readonly RegisteredRoute[], info: OpenApiInfo): JsonSchema {
  const registry = z.registry<{ id: string }>();
  const names = new Map<z.ZodType, string>();
  for (const [id, schema] of Object.entries(API_COMPONENTS)) {
    registry.add(schema, { id });
    names.set(schema, id);
  }
  const converted = z.toJSONSchema(registry, { uri: (id) => `${REF}${id}`, unrepresentable: "any" }).schemas;
  const schemas = Object.fromEntries(Object.entries(converted).map(([id, s]) => [id, strip(s as JsonSchema)]));
  const ref = (schema: z.ZodType): JsonSchema => {
    const id = names.get(schema);
    return id ? { $ref: `${REF}${id}` } : strip(z.toJSONSchema(schema, { unrepresentable: "any" }) as JsonSchema);
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, "{$1}");
    const responses: Record<string, unknown> = {};
    for (const [status, res] of Object.entries(r.responses)) {
      const type = res.contentType ?? "application/json";
      const content: Record<string, unknown> = { [type]: res.schema ? { schema: ref(res.schema) } : {} };
      for (const extra of res.alsoContentTypes ?? []) content[extra] = { schema: { type: "string" } };
      responses[status] = { description: res.description, content };
    }
    if (info.auth && !r.public) responses["401"] = { description: "Missing or wrong token", content: { "application/json": { schema: { $ref: `${REF}Error` } } } };
    (paths[path] ??= {})[r.method] = {
      operationId: r.operationId,
      summary: r.summary,
      ...(r.description !== undefined ? { description: r.description } : {}),
      tags: [r.tag],
      parameters: [...parameters(r.params, "path"), ...parameters(r.query, "query")],
      ...(r.body ? { requestBody: { required: false, content: { "application/json": { schema: ref(r.body) } } } } : {}),
      responses,
      ...(r.public && info.auth ? { security: [] } : {}),
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "floe status API",
      version: info.version,
      description: "Pipelines, runs, tasks, logs, schedules and the Arraylake commits runs make.",
    },
    ...(info.auth ? { security: [{ bearer: [] }] } : {}),
    paths,
    components: {
      schemas,
      ...(info.auth ? { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } } : {}),
    },
  };
}
