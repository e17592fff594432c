/**
 * @module The `ctx` a task attempt receives. Its AbortSignal, logger and Arraylake client are made on first
 * use: most tasks never touch them, and an AbortController per task would be a large share of a no-op task's cost.
 */
import type { Clock } from "../core/clock.ts";
import type { LogLevel, RunEventSink } from "../core/events.ts";
import { redact } from "../core/redact.ts";
import type { ArtifactApi, RunPipelineFn, TaskContext, TaskLogger } from "../dsl/context.ts";
import { createArtifactApi } from "./artifacts.ts";
import { runChild } from "./children.ts";
import type { ChildRunner, QuickLookFn } from "./types.ts";

/** What an attempt needs of its run (a RunContext is one); narrow so that task rows can hold attempts. */
export interface AttemptScope {
  readonly runId: string;
  readonly pipeline: string;
  /** The run's logical date in ms. */
  readonly scheduledFor: number;
  /** Why the run exists (`ctx.trigger`). */
  readonly trigger: unknown;
  readonly sink: RunEventSink;
  readonly clock: Clock;
  readonly arraylakeFor: ((task: string | undefined, runId: string) => unknown) | undefined;
  readonly quicklookFor: QuickLookFn | undefined;
  readonly childRuns: ChildRunner | undefined;
  /** Artifacts attached so far in the run: the last number given and their bytes (for the per-run limit). */
  readonly artifacts: { seq: number; bytes: number };
}

export class AttemptContext implements TaskContext {
  readonly runId: string;
  readonly pipeline: string;
  /** The task key: its name, or `name[i]` for a mapped item. */
  readonly task: string;
  readonly attempt: number;
  /** Cancels this attempt's timeout timer once the attempt settles. */
  timer: AbortController | undefined = undefined;
  private controller: AbortController | undefined = undefined;
  private abortReason: unknown = undefined;
  private aborted = false;
  private logger: TaskLogger | undefined = undefined;
  private client: { value: unknown } | undefined = undefined;
  private artifacts: ArtifactApi | undefined = undefined;
  private children = 0;

  constructor(
    private readonly run: AttemptScope,
    task: string,
    attempt: number,
  ) {
    this.runId = run.runId;
    this.pipeline = run.pipeline;
    this.task = task;
    this.attempt = attempt;
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** Aborts the attempt's signal (now, or when first read). */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }

  get trigger(): TaskContext["trigger"] {
    return this.run.trigger as TaskContext["trigger"];
  }

  /** A fresh Date each read, so a task that mutates it cannot change what the next task sees. */
  get scheduledFor(): Date {
    return new Date(this.run.scheduledFor);
  }

  get log(): TaskLogger {
    return (this.logger ??= this.makeLogger());
  }

  get artifact(): ArtifactApi {
    return (this.artifacts ??= createArtifactApi(this.run, this.task));
  }

  /** A function made on read (most tasks never start a child run). */
  get runPipeline(): RunPipelineFn {
    const caller = { runId: this.runId, task: this.task, attempt: this.attempt, signal: this.signal, log: this.log, nextChild: () => ++this.children };
    return ((pipeline: unknown, params?: unknown, options?: { wait?: boolean }) =>
      runChild(this.run.childRuns, caller, pipeline, params, options)) as RunPipelineFn;
  }

  get arraylake(): TaskContext["arraylake"] {
    if (this.run.arraylakeFor === undefined) {
      throw new Error("ctx.arraylake is not configured for this run (the runner passes Arraylake settings; see src/run)");
    }
    this.client ??= { value: this.run.arraylakeFor(this.task, this.runId) };
    return this.client.value as TaskContext["arraylake"];
  }

  private makeLogger(): TaskLogger {
    const line = (level: LogLevel, message: string): void => {
      this.run.sink.emit({
        type: "log:line",
        runId: this.runId,
        task: this.task,
        attempt: this.attempt,
        level,
        message: redact(String(message)),
        at: this.run.clock.now(),
      });
    };
    return {
      debug: (m) => line("debug", m),
      info: (m) => line("info", m),
      warn: (m) => line("warn", m),
      error: (m) => line("error", m),
      log: line,
    };
  }
}
