/**
 * @module `floe`: everything a pipeline author imports. Pinned by test/public-surface.test.ts.
 * @example
 * import { pipeline, z } from "floe";
 * export default pipeline({ name: "hello", params: z.object({ who: z.string().default("world") }) })
 *   .task("greet", ({ params }, ctx) => { ctx.log.info(`hello ${params.who}`); return params.who.length; });
 */
export { z } from "zod";
export { pipeline, type Pipeline, type PipelineOptions, type TaskOptions, type MapOptions } from "./dsl/pipeline.ts";
export type { ParamsOf, ParamsInputOf, ResultsOf } from "./dsl/pipeline.ts";
export type {
  TaskContext, TaskInput, MapTaskInput, TaskLogger, RunTriggerInfo, CommitTriggerDetail, RunEndTriggerDetail,
  Hook, Hooks, HookContext, ChildRunResult, ChildRunStarted, RunPipelineOptions,
} from "./dsl/context.ts";
export { NonRetriableError, RetryAfterError, ChildRunError } from "./core/errors.ts";
export { defineConfig } from "./config/define.ts";
export type { RunState, TaskState } from "./core/states.ts";
export type { Duration } from "./core/duration.ts";
