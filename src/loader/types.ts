/** @module What the loader reports for pipeline files: plain, JSON-serialisable data (it crosses processes). */
import type { Diagnostic, SourceLocation } from "../core/errors.ts";
import type { PipelineSpec } from "../../schemas/pipeline.ts";
import type { Plan } from "../plan/index.ts";

export interface LoadedPipeline {
  name: string;
  file: string;
  exportName: string;
  version: string;
  spec: PipelineSpec;
  plan: Plan;
  paramsSchema: Record<string, unknown>;
  locations: Record<string, SourceLocation>;
}

export interface FileLoadResult {
  file: string;
  pipelines: LoadedPipeline[];
  diagnostics: Diagnostic[];
  /** Local files the module imports (watched by hot reload). */
  imports: string[];
}

export interface LoadResult {
  files: FileLoadResult[];
  /** Problems across files, e.g. two files exporting the same pipeline name. */
  diagnostics: Diagnostic[];
}
