/** @module The engine's tagged errors: why a task or run stopped when the task itself did not throw. */
import { FloeError } from "../core/errors.ts";

export class TaskTimeoutError extends FloeError {
  readonly _tag = "TaskTimeoutError" as const;
  readonly context: { task: string; timeoutMs: number };
  constructor(task: string, timeoutMs: number) {
    super(`task ${task} timed out after ${timeoutMs}ms`);
    this.context = { task, timeoutMs };
  }
}

export class RunCancelledError extends FloeError {
  readonly _tag = "RunCancelledError" as const;
}

export class RunTimeoutError extends FloeError {
  readonly _tag = "RunTimeoutError" as const;
  readonly context: { timeoutMs: number };
  constructor(timeoutMs: number) {
    super(`run timed out after ${timeoutMs}ms`);
    this.context = { timeoutMs };
  }
}

/** A mapped task's upstream result is not a list, or some of its items failed. */
export class MapError extends FloeError {
  readonly _tag = "MapError" as const;
}

export class PlanMismatchError extends FloeError {
  readonly _tag = "PlanMismatchError" as const;
}

/** `ctx.artifact.*` was given something it cannot keep: too large, not an image, an unsafe link. */
export class ArtifactError extends FloeError {
  readonly _tag = "ArtifactError" as const;
}

/** `ctx.runPipeline` in a run without a host for child runs (no daemon). */
export class ChildRunsUnavailableError extends FloeError {
  readonly _tag = "ChildRunsUnavailableError" as const;
}
