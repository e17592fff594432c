/** @module A pipeline's schedule: cron expression, IANA time zone, param overrides, catch-up and overlap policies. */
import { z } from "zod";
import { DurationSchema, NameSchema, isTimeZone } from "./common.ts";

export const CatchUpSchema = z
  .union([
    z.literal("none").describe("Missed slots are skipped; the next run is the next slot"),
    z.literal("latest").describe("Only the most recent missed slot runs"),
    z
      .object({ maxSlots: z.number().int().positive(), window: DurationSchema.optional() })
      .strict()
      .describe("At most maxSlots missed slots, only those within `window` of now"),
  ])
  .describe("What to do with slots missed while the daemon was down");

export const OverlapSchema = z
  .enum(["skip", "queue", "cancel-previous", "allow"])
  .describe("What a slot does when a run of the same schedule is still active");

export const ScheduleSchema = z
  .object({
    name: NameSchema.default("default").describe("Stable within the pipeline; the schedule id derives from it"),
    cron: z.string().min(1).describe('Cron expression, 5 or 6 fields (seconds first), e.g. "0 2 * * *"'),
    timezone: z
      .string()
      .refine(isTimeZone, { message: 'an IANA time zone such as "UTC" or "Europe/Paris"' })
      .default("UTC"),
    params: z.record(z.string(), z.unknown()).optional().describe("Param overrides for runs of this schedule"),
    paramsFromSlot: z
      .boolean()
      .default(false)
      .describe("Set by floe when `params` is a function of the slot: the run process evaluates it (never the daemon)"),
    catchUp: CatchUpSchema.default("latest"),
    overlap: OverlapSchema.default("skip"),
    maxActiveRuns: z.number().int().positive().optional(),
    jitter: DurationSchema.optional().describe("Random delay up to this much after each slot"),
    paused: z.boolean().default(false),
  })
  .strict();

export type ScheduleInput = z.input<typeof ScheduleSchema>;
export type Schedule = z.output<typeof ScheduleSchema>;
export type CatchUp = z.output<typeof CatchUpSchema>;
export type Overlap = z.output<typeof OverlapSchema>;
