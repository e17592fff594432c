export { createLoader, LoaderError, type Loader, type LoaderOptions } from "./spawn.ts";
export { inspectFile, inspectFiles } from "./inspect.ts";
export { collectPipelines, type CollectedPipeline } from "./collect.ts";
export { collectSources } from "./sources.ts";
export { listPipelineFiles } from "./files.ts";
export type { LoadRequest, LoaderMessage, ConfigLoad } from "./protocol.ts";
export type { FileLoadResult, LoadResult, LoadedPipeline } from "./types.ts";
