export { importPipeline } from "./import-pipeline.ts";
export { executePipelineRun, type PipelineRunInput } from "./execute.ts";
export { runLocally, previousTasks, validateParamsOrThrow, type LocalRunOptions } from "./local-run.ts";
export { runArraylake, type ArraylakeSettings, type RunArraylake } from "./arraylake.ts";
