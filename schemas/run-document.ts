/**
 * @module The `--json` document of a run: one shape for `floe run|retry|show --json`, the items of
 * `floe runs --json` (without tasks) and `TestRun.document` in floe/testing. It is a projection of the API's run
 * body (`api-runs.ts`), built in one place (`src/api/run-document.ts`), so the CLI and the API cannot drift.
 */
import { z } from "zod";
import { ErrorInfoSchema, NullableTimestampSchema, TimestampSchema } from "./api.ts";
import { RunStateSchema, TaskStateSchema, TriggerKindSchema } from "./api-runs.ts";

export const RunSummaryDocumentSchema = z.object({
  id: z.string(),
  pipeline: z.string(),
  version: z.string().describe("Content hash of the pipeline code and spec the run executes"),
  state: RunStateSchema,
  params: z.unknown().describe("Validated params (secrets redacted)"),
  trigger: TriggerKindSchema,
  retryOf: z.string().nullable(),
  parentRunId: z.string().nullable().describe("The run whose task started this one (ctx.runPipeline)"),
  node: z.string().nullable().describe("The node that started the run (its node id, as in floe cluster status); null before it ran, or without a daemon"),
  scheduledFor: TimestampSchema.describe("The run's logical date (ctx.scheduledFor)"),
  createdAt: TimestampSchema,
  startedAt: NullableTimestampSchema,
  endedAt: NullableTimestampSchema,
  error: ErrorInfoSchema.nullable(),
});

export const TaskDocumentSchema = z.object({
  name: z.string().describe("Task name, or name[i] for item i of a mapped task"),
  state: TaskStateSchema,
  attempts: z.number().int(),
  startedAt: NullableTimestampSchema,
  endedAt: NullableTimestampSchema,
  error: ErrorInfoSchema.nullable(),
  node: z.string().nullable().describe("The node whose run process ran the latest attempt; null before it ran"),
});

export const RunDocumentSchema = RunSummaryDocumentSchema.extend({ tasks: z.array(TaskDocumentSchema) });

export type RunSummaryDocument = z.infer<typeof RunSummaryDocumentSchema>;
export type TaskDocument = z.infer<typeof TaskDocumentSchema>;
export type RunDocument = z.infer<typeof RunDocumentSchema>;
