/** @module What a task function receives: its input (params, upstream results, item) and its context. */
import type { z } from "zod";
import type { LogLevel } from "../core/events.ts";
// Type-only: the DSL names the client's type; the runner builds the client.
import type { ArraylakeClient } from "../arraylake/client-like.ts";

export interface TaskLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  log(level: LogLevel, message: string): void;
}

/** A run started by a new snapshot on a watched branch (`triggers: [{ onCommit }]`). */
export interface CommitTriggerDetail {
  on: "commit";
  repo: string;
  branch: string;
  snapshotId: string;
}

/** A run started because another pipeline's run ended (`triggers: [{ onRunEnd }]`). */
export interface RunEndTriggerDetail {
  on: "runEnd";
  pipeline: string;
  runId: string;
  state: string;
  /** The commits the upstream run made. */
  commits: { repo: string; branch: string; snapshotId: string }[];
}

/** Why the run exists: as recorded on the run (`trigger` in the run document). Narrow `detail` by `detail.on`. */
export interface RunTriggerInfo {
  /** `commit` and `runEnd` for data triggers, `child` for a run started by another run's `ctx.runPipeline`. */
  kind: "manual" | "schedule" | "api" | "retry" | "commit" | "runEnd" | "child";
  detail: CommitTriggerDetail | RunEndTriggerDetail | Record<string, unknown> | null;
}

export interface QuickLookArtifactOptions {
  /** `org/name` or a repository path. */
  repo: string;
  /** Array path in the repository, e.g. `xarray/avg-season-temps/temp`. */
  array: string;
  /** Branch or tag (default `main`); `snapshotId` wins when given. */
  ref?: string | undefined;
  /** The snapshot to draw, e.g. the one the task just committed. */
  snapshotId?: string | undefined;
  /** Index of every dimension not drawn (default 0). */
  index?: Record<string, number> | undefined;
  title?: string | undefined;
}

/** Results attached for people, shown on the run page in order (1 MiB each, 8 MiB per run). */
export interface ArtifactApi {
  markdown(text: string, options?: { title?: string }): void;
  /** Rows of a table: plain objects whose keys are the columns. */
  table(rows: readonly Record<string, unknown>[], options?: { title?: string }): void;
  /** PNG or SVG bytes. */
  image(bytes: Uint8Array, options?: { title?: string; alt?: string }): void;
  /** An `http(s)://` URL or a path on the floe server. */
  link(url: string, label?: string): void;
  /** A quick look (a PNG map, or an SVG line for 1-D arrays) of an array in a repository. */
  quicklook(options: QuickLookArtifactOptions): Promise<void>;
}

/**
 * A pipeline as `ctx.runPipeline` takes it: its name, or the pipeline object itself (imported from its module),
 * which types the params and the results. Structural, so that this module need not import the builder.
 */
export interface PipelineRef<S extends z.ZodType = z.ZodType, R = Record<string, unknown>> {
  readonly options: { readonly name: string; readonly params?: S | undefined };
  readonly __results: R;
}

export interface RunPipelineOptions {
  /** Wait for the child run to end and return its results (default true). */
  wait?: boolean | undefined;
}

/** A child run that Completed (`wait`): its id and every task's result by name (results that were JSON). */
export interface ChildRunResult<R = Record<string, unknown>> {
  runId: string;
  pipeline: string;
  state: "Completed";
  results: R;
}

/** A child run created without waiting (`wait: false`): it runs on its own. */
export interface ChildRunStarted {
  runId: string;
  pipeline: string;
  state: "Pending";
}

/** `ctx.runPipeline`: start another pipeline as a child run of this one (needs the daemon). */
export interface RunPipelineFn {
  <S extends z.ZodType, R>(pipeline: PipelineRef<S, R>, params?: z.input<S>, options?: RunPipelineOptions & { wait?: true }): Promise<ChildRunResult<R>>;
  <S extends z.ZodType, R>(pipeline: PipelineRef<S, R>, params: z.input<S> | undefined, options: RunPipelineOptions & { wait: false }): Promise<ChildRunStarted>;
  (pipeline: string, params?: Record<string, unknown>, options?: RunPipelineOptions & { wait?: true }): Promise<ChildRunResult>;
  (pipeline: string, params: Record<string, unknown> | undefined, options: RunPipelineOptions & { wait: false }): Promise<ChildRunStarted>;
}

/** The run-time context of one task attempt. */
export interface TaskContext {
  runId: string;
  pipeline: string;
  task: string;
  /**
   * The run's logical date: the schedule slot it runs for (also in a backfill), or for a manual run the time it
   * was created or asked for (`floe run --at`). Partition your work by this, never by the wall clock.
   */
  scheduledFor: Date;
  /** Why the run exists; for data triggers, the snapshot (onCommit) or the upstream run and its commits (onRunEnd). */
  trigger: RunTriggerInfo;
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborted on timeout or cancellation; pass it to fetch, streams and long loops. */
  signal: AbortSignal;
  log: TaskLogger;
  /**
   * The Arraylake client configured from arraylake.config.ts (local repositories unless a token is set). Every
   * readonly session it opens and every commit it makes is recorded against this run and task.
   */
  arraylake: ArraylakeClient;
  /** Attach results for people: `ctx.artifact.markdown("...")`, `.table(rows)`, `.image(png)`, `.link(url)`, `.quicklook({ repo, array })`. */
  artifact: ArtifactApi;
  /**
   * Starts another pipeline as a child run of this run (recorded both ways), by name or by its pipeline object for
   * typed params and results. By default waits and resolves with its results once it Completed; throws a
   * `ChildRunError` if it ends otherwise. A waited-on child is cancelled when this task's attempt is abandoned or this
   * run ends. `{ wait: false }` resolves once the child is created. Needs the daemon (a run without one gets an error).
   * @example
   * import ingest from "./ingest.ts";
   * const child = await ctx.runPipeline(ingest, { day: "2025-03-01" });
   * child.results.write; // typed as ingest's "write" result
   */
  runPipeline: RunPipelineFn;
}

export interface TaskInput<P, U> {
  params: P;
  /** Results of the tasks named in `needs` (and `over` for mapped tasks), by name. */
  upstream: U;
}

export interface MapTaskInput<P, U, Item> extends TaskInput<P, U> {
  item: Item;
  index: number;
}

export type TaskFn<P, U, O> = (input: TaskInput<P, U>, ctx: TaskContext) => O | Promise<O>;
export type MapTaskFn<P, U, Item, O> = (input: MapTaskInput<P, U, Item>, ctx: TaskContext) => O | Promise<O>;

/**
 * What a hook receives beside the result or error: which run and task it is about, a logger whose lines are
 * recorded against the run, and a signal aborted when the hook's time (`hookTimeout`, default 30 s) is up.
 */
export interface HookContext {
  runId: string;
  pipeline: string;
  /** The task key (`name`, or `name[i]` for a mapped item); undefined in a pipeline's hooks. */
  task: string | undefined;
  /** The attempt that ended (task hooks; 0 in pipeline hooks). */
  attempt: number;
  /** The state that fired the hook: a task's `Completed`, `Failed`, `TimedOut` or `AwaitingRetry`, or the run's end state. */
  state: string;
  /** onRetry of a task: when its next attempt starts. */
  retryAt: Date | undefined;
  scheduledFor: Date;
  trigger: RunTriggerInfo;
  params: unknown;
  signal: AbortSignal;
  log: TaskLogger;
  /** The run's Arraylake client (reads and commits are recorded against the task, or the run for pipeline hooks). */
  arraylake: ArraylakeClient;
}

/** A hook: runs in the run process after the state change; whatever it does or throws changes no state. */
export type Hook<V> = (value: V, ctx: HookContext) => void | Promise<void>;
/** One hook or several (run in order). */
export type Hooks<V> = Hook<V> | readonly Hook<V>[];
