/**
 * @module One run's home: the code a run executes wherever it runs. The run child process (`child.ts`, forked by
 * the daemon's supervisor or a cluster worker) and its IPC (`protocol.ts`, `ipc-sink.ts`, `ipc-pools.ts`), params
 * validation, and the host around the engine (`execute.ts`: Arraylake, lineage, cache checks) used in process by
 * the CLI and `floe/testing` (`local-run.ts`).
 */
export { importPipeline } from "./import-pipeline.ts";
export {
  previousTaskMap, reusableTasks, runAssignment, type AssignableVersion, type AssignmentHost,
} from "./assignment.ts";
export { executePipelineRun, type PipelineRunInput } from "./execute.ts";
export { runLocally, previousTasks, type LocalRunOptions } from "./local-run.ts";
export { runArraylake, type ArraylakeSettings, type RunArraylake } from "./arraylake.ts";
export {
  checkParams, createParamsChecker, paramsSchemaFromJson, paramsSchemaOf, validateParamsOrThrow,
  type ParamsCheck, type ParamsChecker, type ParamsSchema, type ParamsVersion,
} from "./params-check.ts";
export {
  RUN_CHILD_ENTRY, isRunToDaemon, type DaemonToRun, type PreviousTaskRecord, type RunAssignment, type RunToDaemon,
} from "./protocol.ts";
