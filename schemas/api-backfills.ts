/** @module Request and response shapes of the backfill routes: create one over a schedule's slots, follow it, cancel it. */
import { z } from "zod";
import { IdParamSchema, NullableTimestampSchema, TimestampSchema } from "./api.ts";
import { RunStateSchema } from "./api-runs.ts";

const Instant = z.iso.datetime({ offset: true });

export const CreateBackfillBodySchema = z.strictObject({
  schedule: z.string().min(1).max(100).describe("The schedule's name within the pipeline"),
  from: Instant.describe("First instant of the range (included), ISO 8601"),
  to: Instant.describe("Last instant of the range (included), ISO 8601"),
  maxActive: z.number().int().min(1).max(1000).default(1).describe("Runs of this backfill at once"),
  rerunFailed: z.boolean().default(false).describe("Also rerun slots whose run ended Failed, Crashed, TimedOut or Cancelled"),
  yes: z.boolean().default(false).describe("Confirm a range of more than 10,000 slots"),
});

export const BackfillStateSchema = z.enum(["Running", "Completed", "Failed", "Cancelled"]);

export const BackfillSlotSchema = z.object({
  slotAt: TimestampSchema,
  runId: z.string().nullable(),
  state: RunStateSchema.nullable(),
  created: z.boolean().describe("false: the slot had already run and was skipped"),
});

export const BackfillSchema = z.object({
  id: z.string(),
  pipeline: z.string(),
  scheduleId: z.string(),
  from: TimestampSchema,
  to: TimestampSchema,
  maxActive: z.number().int(),
  rerunFailed: z.boolean(),
  state: BackfillStateSchema.describe("Running until every slot's run ended; Completed only if every one Completed"),
  createdAt: TimestampSchema,
  endedAt: NullableTimestampSchema,
  counts: z.record(z.string(), z.number().int()).describe("Slots by run state (and 'skipped' for slots that had run)"),
  slots: z.array(BackfillSlotSchema),
});

export const BackfillListSchema = z.object({ items: z.array(BackfillSchema.omit({ slots: true, counts: true })) });
export const BackfillPathSchema = z.object({ id: IdParamSchema });
export const BackfillListQuerySchema = z.strictObject({ pipeline: z.string().min(1).max(200).optional() });

export type CreateBackfillBody = z.output<typeof CreateBackfillBodySchema>;
export type BackfillBody = z.output<typeof BackfillSchema>;
