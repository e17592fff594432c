/**
 * @module `pipeline()`: the typed builder a pipeline author writes. Each `.task()` may only name earlier tasks in
 * `needs`, and its `upstream` argument holds exactly those tasks' results with their types, so a misspelled,
 * non-upstream or mistyped edge is a compile error. In plain JS the same mistakes are load-time diagnostics.
 */
import type { z } from "zod";
import type { SourceLocation } from "../core/errors.ts";
import type { CachePolicyInput, RetryPolicyInput, TriggerInput } from "../../schemas/pipeline.ts";
import type { ScheduleInput } from "../../schemas/schedule.ts";
import type { Duration } from "../core/duration.ts";
import { callSite } from "./call-site.ts";
import type { Hooks, MapTaskFn, TaskContext, TaskFn, TaskInput } from "./context.ts";

type AnyParams = z.ZodType<Record<string, unknown>, Record<string, unknown>>;

/**
 * A schedule as the author writes it. `params` is a fixed object of overrides, or a function of the slot
 * evaluated in the run process against the run's slot (also in backfills); its result is checked by the params schema.
 * @example
 * { name: "daily", cron: "0 2 * * *", params: (slot) => ({ day: slot.toISOString().slice(0, 10) }) }
 */
export interface ScheduleOptions<S extends AnyParams> extends Omit<ScheduleInput, "params" | "paramsFromSlot"> {
  params?: Partial<z.input<S>> | ((slot: Date) => Partial<z.input<S>>);
}

export interface PipelineOptions<S extends AnyParams> {
  name: string;
  description?: string;
  /** A zod object schema; defaults fill in what callers leave out. */
  params?: S;
  schedules?: ScheduleOptions<S>[];
  /** Tasks at once within one run (default from config). */
  concurrency?: number;
  maxActiveRuns?: number;
  timeout?: Duration;
  /** When the run's process dies (signal, out of memory, daemon stop), resume it re-running only incomplete tasks. */
  resume?: boolean;
  /** With `resume`: at most this many resumes of one run (default 3). */
  maxResumes?: number;
  /** Run-level retries: a Failed/Crashed/TimedOut run is retried as a new run reusing its completed tasks. */
  retries?: number | { count: number; delay?: Duration };
  /** Runs started by data: `{ onCommit: { repo, branch, path?, coalesce? } }` or `{ onRunEnd: { pipeline, states } }`. */
  triggers?: TriggerInput[];
  commit?: "per-task" | "on-success";
  tags?: string[];
  /** After the run Completed, with every task's result by task key. */
  onSuccess?: Hooks<Record<string, unknown>>;
  /** After the run ended Failed or TimedOut for good (not Cancelled, not when a run-level retry follows). */
  onFailure?: Hooks<Error>;
  /** After the run ended Failed or TimedOut when the daemon will retry it (`retries`). */
  onRetry?: Hooks<Error>;
  /** How long each hook may run before it is abandoned and logged (default "30s"); also the default for tasks. */
  hookTimeout?: Duration;
  /**
   * Spread the run's tasks over the cluster: each task execution (each item of a `.map`) becomes a job that any
   * worker node claims; a task's own `distribute` overrides it. Without a daemon (floe/testing, `floe run`) tasks
   * run in the run's process as usual.
   */
  distribute?: boolean;
}

export interface TaskOptions<Needs extends string, O = unknown> {
  description?: string;
  needs?: readonly Needs[];
  /** Retries after the first attempt, or a full policy. */
  retries?: number | RetryPolicyInput;
  /** Decides per error whether to retry (after NonRetriableError, never). */
  retryIf?: (error: unknown, attempt: number) => boolean;
  timeout?: Duration;
  pool?: string;
  tags?: string[];
  cache?: CachePolicyInput;
  /** Custom cache key from the task's input; implies caching. */
  cacheKey?: (input: TaskInput<unknown, unknown>) => string;
  /** After the task Completed (not when reused as Cached), with its result. */
  onSuccess?: Hooks<NoInfer<O>>;
  /** After its last attempt Failed or TimedOut, with the error. */
  onFailure?: Hooks<Error>;
  /** After an attempt failed and another will follow (`ctx.retryAt` says when), with the error. */
  onRetry?: Hooks<Error>;
  /** How long each of this task's hooks may run (default: the pipeline's `hookTimeout`, else "30s"). */
  hookTimeout?: Duration;
  /**
   * Run this task (for a `.map`, each item) as a job any worker node of the cluster may claim, in a process that
   * imports the run's exact version. Its input and result must be JSON; data travels through repositories.
   */
  distribute?: boolean;
}

export interface MapOptions<Over extends string, Needs extends string, O = unknown> extends TaskOptions<Needs, O> {
  /** The upstream task whose list result this task maps over. */
  over: Over;
  /** Items at once (bounded also by the run's concurrency). */
  concurrency?: number;
}

/** One task as the engine sees it: options (data + functions) and the function to run. */
export interface TaskDefinition {
  name: string;
  options: TaskOptions<string, unknown> & { over?: string; concurrency?: number };
  run: (input: TaskInput<unknown, unknown> & { item?: unknown; index?: number }, ctx: TaskContext) => unknown;
  location: SourceLocation;
}

type ListKeys<R> = { [K in keyof R & string]: R[K] extends readonly unknown[] ? K : never }[keyof R & string];
type ElementOf<T> = T extends readonly (infer E)[] ? E : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

export const PIPELINE_BRAND = Symbol.for("floe.pipeline");

/**
 * A pipeline: its options, its tasks in definition order, and the types of params (P) and results (R).
 * @example
 * export default pipeline({ name: "hello", params: z.object({ who: z.string().default("world") }) })
 *   .task("greet", ({ params }) => `hello ${params.who}`)
 *   .task("shout", { needs: ["greet"] }, ({ upstream }) => upstream.greet.toUpperCase());
 */
export class Pipeline<S extends AnyParams, P, R extends Record<string, unknown>> {
  readonly [PIPELINE_BRAND] = true;
  /** Phantom field carrying result types, for `ResultsOf<typeof p>`. */
  declare readonly __results: R;

  constructor(
    readonly options: PipelineOptions<S>,
    readonly tasks: readonly TaskDefinition[],
    readonly location: SourceLocation,
  ) {}

  task<N extends string, O>(name: N, run: TaskFn<P, {}, O>): Pipeline<S, P, Simplify<R & Record<N, Awaited<O>>>>;
  task<N extends string, O, D extends keyof R & string = never>(
    name: N,
    options: TaskOptions<D, Awaited<O>>,
    run: TaskFn<P, Simplify<Pick<R, D>>, O>,
  ): Pipeline<S, P, Simplify<R & Record<N, Awaited<O>>>>;
  task(name: string, a: unknown, b?: unknown): unknown {
    const [options, run] = typeof a === "function" ? [{}, a] : [a, b];
    return this.with({ name, options: options as TaskOptions<string>, run: run as TaskDefinition["run"] });
  }

  /** A task run once per item of an upstream list result; its result is the list of item results. */
  map<N extends string, K extends ListKeys<R>, O, D extends keyof R & string = never>(
    name: N,
    options: MapOptions<K, D, Awaited<O>>,
    run: MapTaskFn<P, Simplify<Pick<R, D | K>>, ElementOf<R[K]>, O>,
  ): Pipeline<S, P, Simplify<R & Record<N, Awaited<O>[]>>> {
    return this.with({ name, options: options as TaskDefinition["options"], run: run as TaskDefinition["run"] }) as never;
  }

  private with(task: Omit<TaskDefinition, "location">): Pipeline<S, P, R> {
    return new Pipeline(this.options, [...this.tasks, { ...task, location: callSite() }], this.location);
  }
}

/** Starts a pipeline definition; chain `.task()` and `.map()` calls, and export the result. */
export function pipeline<S extends AnyParams = z.ZodObject<{}>>(
  options: PipelineOptions<S>,
): Pipeline<S, z.output<S>, {}> {
  return new Pipeline<S, z.output<S>, {}>(options, [], callSite());
}

export function isPipeline(value: unknown): value is Pipeline<AnyParams, unknown, Record<string, unknown>> {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[PIPELINE_BRAND] === true;
}

export type AnyPipeline = Pipeline<AnyParams, unknown, Record<string, unknown>>;
/** The params a caller passes (before defaults). */
export type ParamsInputOf<T> = T extends Pipeline<infer S, unknown, Record<string, unknown>> ? z.input<S> : never;
export type ParamsOf<T> = T extends Pipeline<AnyParams, infer P, Record<string, unknown>> ? P : never;
export type ResultsOf<T> = T extends Pipeline<AnyParams, unknown, infer R> ? R : never;
