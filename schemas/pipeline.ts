/**
 * @module The data half of a pipeline (everything that is not a function), checked at load time. The DSL builds
 * these objects; the loader validates them with {@link PipelineSpecSchema} and reports issues with their paths.
 */
import { z } from "zod";
import { DurationSchema, NameSchema } from "./common.ts";
import { ScheduleSchema } from "./schedule.ts";

export const RetryPolicySchema = z
  .object({
    attempts: z.number().int().min(0).max(1000).describe("Retries after the first attempt"),
    delay: z
      .union([DurationSchema, z.array(DurationSchema).min(1)])
      .optional()
      .describe("Delay before each retry; an array gives per-attempt delays (the last repeats)"),
    backoff: z
      .object({
        factor: z.number().min(1).default(2),
        max: DurationSchema.optional().describe("Cap on any one delay"),
      })
      .strict()
      .optional()
      .describe("Exponential backoff: delay * factor^(retry-1), capped at max"),
    jitter: z.number().min(0).max(1).optional().describe("Random spread: each delay is scaled by 1 ± jitter"),
  })
  .strict();

export const CachePolicySchema = z
  .union([
    z.literal("none"),
    z.literal("inputs").describe("Reuse a completed result of this task with the same params and upstream results"),
    z
      .object({ key: z.literal("inputs").optional(), expiresIn: DurationSchema.optional() })
      .strict()
      .describe("Like 'inputs', optionally expiring; a function `cacheKey` in task options overrides the key"),
  ])
  .default("none");

export const RunRetriesSchema = z
  .union([
    z.number().int().min(0).max(100),
    z.object({ count: z.number().int().min(0).max(100), delay: DurationSchema.optional() }).strict(),
  ])
  .describe("Run-level retries: a Failed, Crashed or TimedOut run is retried as a new run reusing completed tasks");

const ENDED_RUN_STATES = ["Completed", "Failed", "Cancelled", "Crashed", "TimedOut"] as const;

export const TriggerSchema = z
  .union([
    z
      .object({
        onCommit: z
          .object({
            repo: z.string().min(1).describe("org/name, or a path to a local repository"),
            branch: z.string().min(1).default("main"),
            path: z
              .string()
              .min(1)
              .regex(/^\/?[^/]+(\/[^/]+)*\/?$/, "a group or array path in the repository, e.g. raw/sst")
              .refine((p) => !p.split("/").some((part) => part === ".." || part === "."), "no '.' or '..' parts")
              .optional()
              .describe("Only commits that change something under this group (or this array) start a run"),
            coalesce: z
              .enum(["latest", "all"])
              .default("latest")
              .describe(
                "latest: a burst starts one run for the newest snapshot once no run of this trigger is waiting; all: one run per snapshot, in commit order",
              ),
            includeOwnCommits: z.boolean().default(false).describe("Also trigger on commits made by this pipeline's own runs"),
          })
          .strict(),
      })
      .strict()
      .describe("Start a run when a new snapshot lands on the branch (ctx.trigger.detail: repo, branch, snapshotId)"),
    z
      .object({
        onRunEnd: z
          .object({ pipeline: NameSchema, states: z.array(z.enum(ENDED_RUN_STATES)).min(1).default(["Completed"]) })
          .strict(),
      })
      .strict()
      .describe("Start a run when a run of another pipeline ends in one of `states` (ctx.trigger.detail: its id and commits)"),
  ]);

export const TaskSpecSchema = z
  .object({
    name: NameSchema,
    description: z.string().optional(),
    needs: z.array(z.string()).default([]).describe("Upstream task names"),
    map: z.string().optional().describe("Run once per item of this upstream task's list result"),
    retries: z.union([z.number().int().min(0).max(1000), RetryPolicySchema]).optional(),
    timeout: DurationSchema.optional(),
    pool: NameSchema.optional().describe("Named pool (config) limiting this task across runs"),
    tags: z.array(z.string()).default([]),
    cache: CachePolicySchema,
    concurrency: z.number().int().positive().optional().describe("For a mapped task: items at once"),
    hookTimeout: DurationSchema.optional().describe("How long each onSuccess/onFailure/onRetry hook of this task may run (default: the pipeline's, 30s)"),
    distribute: z
      .boolean()
      .optional()
      .describe("Run this task (each item, for a mapped task) as a job any worker node of the cluster may claim (default: the pipeline's)"),
  })
  .strict();

export const PipelineSpecSchema = z
  .object({
    name: NameSchema,
    description: z.string().optional(),
    schedules: z.array(ScheduleSchema).default([]),
    tasks: z.array(TaskSpecSchema).min(1, "a pipeline needs at least one task"),
    concurrency: z.number().int().positive().optional().describe("Tasks at once within a run"),
    maxActiveRuns: z.number().int().positive().optional(),
    timeout: DurationSchema.optional().describe("Whole-run timeout"),
    resume: z
      .boolean()
      .default(false)
      .describe("When the run's process dies (or the daemon stops), resume at once as a new run re-running only incomplete tasks"),
    maxResumes: z.number().int().min(0).max(100).default(3).describe("With resume: at most this many resumes per run"),
    retries: RunRetriesSchema.optional(),
    triggers: z.array(TriggerSchema).default([]).describe("Runs started by data: new commits on a branch, or another pipeline's run ending"),
    commit: z
      .enum(["per-task", "on-success"])
      .default("per-task")
      .describe("on-success: writable sessions commit once at the end, only if every task succeeded"),
    tags: z.array(z.string()).default([]),
    hookTimeout: DurationSchema.optional().describe("How long each hook may run before it is abandoned and logged (default 30s)"),
    distribute: z
      .boolean()
      .optional()
      .describe("Run every task and map item as a job any worker node may claim, unless the task says `distribute: false`"),
  })
  .strict();

export type RetryPolicyInput = z.input<typeof RetryPolicySchema>;
export type RetryPolicy = z.output<typeof RetryPolicySchema>;
export type CachePolicyInput = z.input<typeof CachePolicySchema>;
export type TaskSpecInput = z.input<typeof TaskSpecSchema>;
export type TaskSpec = z.output<typeof TaskSpecSchema>;
export type PipelineSpecInput = z.input<typeof PipelineSpecSchema>;
export type PipelineSpec = z.output<typeof PipelineSpecSchema>;
export type TriggerInput = z.input<typeof TriggerSchema>;
export type Trigger = z.output<typeof TriggerSchema>;
