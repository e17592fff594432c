/**
 * @module Request and response shapes of the status API shared by every route: errors, timestamps, pages, health,
 * pipelines, schedules and commits. Runs, tasks and logs live in `api-runs.ts`. The OpenAPI document is generated
 * from {@link API_COMPONENTS}; tests parse responses with these schemas so code and document cannot drift.
 */
import { z } from "zod";

/** Times are ISO 8601 strings in UTC in every response. */
export const TimestampSchema = z.string().meta({ format: "date-time", description: "ISO 8601 time (UTC)" });
export const NullableTimestampSchema = TimestampSchema.nullable();

export const IssueSchema = z.object({
  path: z.string().describe("Dotted path of the offending field ('' for the whole value)"),
  message: z.string(),
  code: z.string().optional(),
});

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string().describe("Stable machine-readable code, e.g. not_found, invalid_request, conflict"),
    message: z.string(),
    details: z
      .object({ issues: z.array(IssueSchema).optional() })
      .catchall(z.unknown())
      .optional(),
  }),
});

export const ErrorInfoSchema = z.object({
  name: z.string(),
  message: z.string(),
  tag: z.string().optional(),
});

/** A cursor is opaque: pass back what `nextCursor` gave you. */
export const CursorQuerySchema = z.string().min(1).max(512).describe("Opaque cursor from a previous page's nextCursor");
export const LimitQuerySchema = z.coerce.number().int().min(1).max(500).default(50).describe("Page size, 1..500");

/** An id in a path: any short text; unknown ids are 404, not 400. */
export const IdParamSchema = z.string().min(1).max(200);

export const HealthSchema = z.object({
  status: z.literal("ok"),
  version: z.string(),
  uptimeS: z.number(),
  pipelines: z.number().int().describe("Pipelines known to the loader, valid or not"),
  runningRuns: z.number().int().describe("Runs not yet in a terminal state"),
});

export const DiagnosticSchema = z.object({
  code: z.string(),
  message: z.string(),
  pipeline: z.string().optional(),
  path: z.string().optional(),
  file: z.string().optional(),
  line: z.number().optional(),
  column: z.number().optional(),
});

export const PolicySchema = z.record(z.string(), z.unknown()).describe("Catch-up, overlap, jitter, param overrides");

export const ScheduleSchema = z.object({
  id: z.string(),
  pipeline: z.string(),
  name: z.string(),
  cron: z.string(),
  timezone: z.string(),
  policy: PolicySchema,
  cursorAt: NullableTimestampSchema.describe("The last slot handled"),
  nextSlots: z.array(TimestampSchema),
  paused: z.boolean(),
  updatedAt: TimestampSchema,
});

export const ScheduleListSchema = z.object({ items: z.array(ScheduleSchema) });

export const PlanSchema = z.object({
  version: z.string(),
  tasks: z.array(
    z.object({
      name: z.string(),
      needs: z.array(z.string()),
      map: z.string().optional(),
      level: z.number().int(),
      pool: z.string().optional(),
      tags: z.array(z.string()),
    }),
  ),
  edges: z.array(z.object({ from: z.string(), to: z.string() })),
  levels: z.array(z.array(z.string())),
});

export const PipelineSchema = z.object({
  name: z.string(),
  file: z.string(),
  valid: z.boolean(),
  version: z.string().nullable().describe("The version runs use: current when valid, else the last good one"),
  diagnostics: z.array(DiagnosticSchema).describe("Why the current code is invalid (empty when valid)"),
  description: z.string().nullable(),
  paramsSchema: z.record(z.string(), z.unknown()).nullable().describe("JSON Schema of the params"),
  schedules: z.array(ScheduleSchema),
  plan: PlanSchema.nullable(),
});

export const PipelineListSchema = z.object({ items: z.array(PipelineSchema) });

export const CommitSchema = z.object({
  repo: z.string(),
  branch: z.string(),
  snapshotId: z.string(),
  parentSnapshotId: z.string().nullable(),
  message: z.string(),
  runId: z.string(),
  pipeline: z.string(),
  task: z.string().nullable(),
  committedAt: TimestampSchema,
});

export const CommitPageSchema = z.object({ items: z.array(CommitSchema), nextCursor: z.string().nullable() });

export const CommitsQuerySchema = z.strictObject({
  repo: z.string().min(1).max(300).optional().describe("org/name"),
  pipeline: z.string().min(1).max(200).optional(),
  run: z.string().min(1).max(200).optional(),
  limit: LimitQuerySchema,
  cursor: CursorQuerySchema.optional(),
});

export const SnapshotReadSchema = z.object({
  repo: z.string(),
  branch: z.string().nullable(),
  tag: z.string().nullable(),
  snapshotId: z.string(),
  task: z.string().nullable(),
  readAt: TimestampSchema,
});

/** An org or repository name in a path: letters, digits, "-", "_", "."; not "." or "..". Others are 400. */
export const RepoSegmentParamSchema = z
  .string()
  .max(100)
  .regex(/^(?!\.\.?$)[A-Za-z0-9._-]+$/, 'letters, digits, "-", "_" and "." (not "." or "..")');

export const SnapshotParamsSchema = z.object({ org: RepoSegmentParamSchema, name: RepoSegmentParamSchema, id: IdParamSchema });

export const SchedulePathSchema = z.object({ id: IdParamSchema });
export const PipelinePathSchema = z.object({ name: IdParamSchema });
export const EmptyQuerySchema = z.strictObject({});

export type ErrorBody = z.infer<typeof ErrorBodySchema>;
export type Issue = z.infer<typeof IssueSchema>;
export type HealthBody = z.infer<typeof HealthSchema>;
export type PipelineBody = z.infer<typeof PipelineSchema>;
export type ScheduleBody = z.infer<typeof ScheduleSchema>;
export type CommitBody = z.infer<typeof CommitSchema>;
export type SnapshotReadBody = z.infer<typeof SnapshotReadSchema>;
export type PlanBody = z.infer<typeof PlanSchema>;
