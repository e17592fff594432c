export { executeRun } from "./execute-run.ts";
export { createPoolGate } from "./pools.ts";
export { retryDelayMs, nextRetry } from "./retry-policy.ts";
export { RESULT_NOT_PERSISTED } from "./lifecycle.ts";
export { isJsonSafe } from "./result-json.ts";
export { AttemptContext, type AttemptScope } from "./attempt-context.ts";
export { TaskTimeoutError, RunCancelledError, RunTimeoutError, MapError, PlanMismatchError, ChildRunsUnavailableError } from "./errors.ts";
export type {
  ExecuteRunOptions,
  RunOutcome,
  TaskOutcome,
  PoolGate,
  Release,
  PreviousTask,
  CacheLookup,
  PipelineDefinition,
  ChildRunner,
  ChildRunRequest,
  ChildRunReply,
} from "./types.ts";
