export { planPipeline } from "./plan-pipeline.ts";
export { versionOf } from "./version.ts";
export { stableJson } from "./stable-json.ts";
export { suggest } from "../core/suggest.ts";
export { findCycles } from "./cycles.ts";
export { PlanCode } from "./types.ts";
export type { Plan, PlanTask, PlanEdge, PlanSources, PlanResult, RetrySpec, CacheSpec } from "./types.ts";
