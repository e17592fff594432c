/** @module Request and response shapes of the run routes: runs, tasks, state events, log lines, run creation. */
import { z } from "zod";
import { RUN_STATES, TASK_STATES } from "../src/core/states.ts";
import {
  CommitSchema, CursorQuerySchema, ErrorInfoSchema, IdParamSchema, LimitQuerySchema, NullableTimestampSchema,
  SnapshotReadSchema, TimestampSchema,
} from "./api.ts";

export const RunStateSchema = z.enum(RUN_STATES);
export const TaskStateSchema = z.enum(TASK_STATES);
export const LogLevelSchema = z.enum(["debug", "info", "warn", "error"]);
export const TriggerKindSchema = z.enum(["manual", "schedule", "api", "retry", "commit", "runEnd", "child"]);

export const RunSchema = z.object({
  id: z.string(),
  pipeline: z.string(),
  version: z.string().describe("Content hash of the pipeline code and spec the run executes"),
  state: RunStateSchema,
  params: z.unknown().describe("Validated params (secrets redacted)"),
  trigger: z.object({ kind: TriggerKindSchema, detail: z.unknown() }),
  idempotencyKey: z.string().nullable(),
  scheduleId: z.string().nullable(),
  slotAt: NullableTimestampSchema,
  scheduledFor: TimestampSchema.describe("The run's logical date (ctx.scheduledFor): its slot, or when it was asked for"),
  retryOf: z.string().nullable(),
  parentRunId: z.string().nullable().describe("The run whose task started this one (ctx.runPipeline); its trigger kind is 'child'"),
  node: z.string().nullable().describe("The node that started the run (the id of its daemon or worker node, as in floe cluster status); null before it ran"),
  createdAt: TimestampSchema,
  startedAt: NullableTimestampSchema,
  endedAt: NullableTimestampSchema,
  durationMs: z.number().nullable(),
  error: ErrorInfoSchema.nullable(),
});

export const TaskRunSchema = z.object({
  task: z.string().describe("Task name, or name[i] for item i of a mapped task"),
  parent: z.string(),
  mapIndex: z.number().int().nullable(),
  state: TaskStateSchema,
  attempts: z.number().int(),
  startedAt: NullableTimestampSchema,
  endedAt: NullableTimestampSchema,
  durationMs: z.number().nullable(),
  retryAt: NullableTimestampSchema,
  error: ErrorInfoSchema.nullable(),
  node: z.string().nullable().describe("The node whose run process ran the latest attempt; null before it ran"),
  result: z.unknown().describe("JSON result, when the task returned one"),
});

export const RunDetailSchema = RunSchema.extend({
  tasks: z.array(TaskRunSchema),
  commits: z.array(CommitSchema).describe("Snapshots this run committed"),
  snapshotsRead: z.array(SnapshotReadSchema).describe("Snapshots this run read"),
  children: z
    .array(z.object({ id: z.string(), pipeline: z.string(), task: z.string().nullable(), wait: z.boolean() }))
    .describe("Runs this run's tasks started (ctx.runPipeline), oldest first; GET each for its state"),
});

export const RunPageSchema = z.object({ items: z.array(RunSchema), nextCursor: z.string().nullable() });

export const RunsQuerySchema = z.strictObject({
  pipeline: z.string().min(1).max(200).optional(),
  state: RunStateSchema.optional(),
  since: z.string().min(1).max(64).optional().describe("Only runs created at or after this ISO time or epoch ms"),
  limit: LimitQuerySchema,
  cursor: CursorQuerySchema.optional(),
});

export const RunPathSchema = z.object({ id: IdParamSchema });

export const RunEventSchema = z.object({
  seq: z.number().int(),
  task: z.string().nullable().describe("null for a run transition"),
  from: z.string().nullable(),
  to: z.string(),
  at: TimestampSchema,
  reason: z.string().nullable(),
  attempt: z.number().int().nullable(),
});

export const RunEventListSchema = z.object({ items: z.array(RunEventSchema) });

export const LogLineSchema = z.object({
  seq: z.number().int().describe("Increasing; pass as `after` to continue"),
  task: z.string().nullable(),
  attempt: z.number().int().nullable(),
  level: LogLevelSchema,
  message: z.string(),
  at: TimestampSchema,
});

export const LogPageSchema = z.object({
  items: z.array(LogLineSchema),
  nextAfter: z.number().int().describe("Pass as `after` to get the following lines"),
});

export const LogsQuerySchema = z.strictObject({
  task: z.string().min(1).max(200).optional(),
  level: LogLevelSchema.optional().describe("Minimum level"),
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe("Only lines with seq > after"),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});

export const CreateRunBodySchema = z.strictObject({
  params: z.record(z.string(), z.unknown()).optional().describe("Run params, validated by the pipeline's schema"),
  idempotencyKey: z.string().min(1).max(200).optional().describe("The same key returns the existing run (200)"),
  scheduledFor: z.iso
    .datetime({ offset: true })
    .optional()
    .describe("The run's logical date (ctx.scheduledFor), ISO 8601; defaults to the time the run is created"),
});

export const CancelResponseSchema = z.object({ id: z.string(), state: RunStateSchema });

/** One run that read a snapshot. */
export const SnapshotReaderSchema = z.object({
  runId: z.string(),
  pipeline: z.string(),
  state: RunStateSchema,
  tasks: z.array(z.string()).describe("Tasks of the run that read the snapshot, sorted"),
  readAt: TimestampSchema.describe("The run's first read of the snapshot"),
});

/**
 * Answers "which run produced snapshot X, from which inputs, with which code" and "which runs read it".
 * A snapshot runs only read (written outside floe) has `commit`, `run` and `pipelineVersion` null.
 */
export const SnapshotLineageSchema = z.object({
  repo: z.string(),
  snapshotId: z.string(),
  commit: CommitSchema.nullable().describe("The commit a run made, or null when no run committed this snapshot"),
  run: RunSchema.nullable().describe("The run that committed it (null when none did)"),
  pipelineVersion: z
    .object({ pipeline: z.string(), version: z.string(), file: z.string(), recordedAt: TimestampSchema })
    .nullable()
    .describe("The code the committing run executed, when recorded"),
  inputs: z.array(SnapshotReadSchema).describe("Every snapshot the committing run read (empty when no run committed it)"),
  readBy: z.array(SnapshotReaderSchema).describe("Runs that read this snapshot, newest first (at most 100)"),
});

export type RunBody = z.infer<typeof RunSchema>;
export type TaskRunBody = z.infer<typeof TaskRunSchema>;
export type RunDetailBody = z.infer<typeof RunDetailSchema>;
export type RunEventBody = z.infer<typeof RunEventSchema>;
export type LogLineBody = z.infer<typeof LogLineSchema>;
export type CreateRunBody = z.infer<typeof CreateRunBodySchema>;
export type SnapshotLineageBody = z.infer<typeof SnapshotLineageSchema>;

export const ArtifactSchema = z.object({
  seq: z.number().int().describe("1, 2, ... in the order the run attached them"),
  task: z.string(),
  kind: z.enum(["markdown", "table", "image", "link"]),
  title: z.string().nullable(),
  markdown: z.string().optional().describe("kind markdown: the text"),
  rows: z.array(z.record(z.string(), z.unknown())).optional().describe("kind table: the rows"),
  link: z.object({ url: z.string(), label: z.string() }).optional().describe("kind link"),
  image: z.object({ url: z.string(), mime: z.string(), alt: z.string() }).optional().describe("kind image: where its bytes are"),
  size: z.number().int().describe("Bytes stored"),
  createdAt: TimestampSchema,
});
export const ArtifactListSchema = z.object({ items: z.array(ArtifactSchema) });
export const ArtifactPathSchema = z.object({ id: IdParamSchema, seq: z.coerce.number().int().min(1).max(1_000_000) });
