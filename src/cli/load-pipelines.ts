/** @module Loading every pipeline of the configured folder through a one-shot loader process. */
import { relative } from "node:path";
import { formatDiagnostic, type Diagnostic } from "../core/errors.ts";
import type { ResolvedConfig } from "../config/index.ts";
import { createLoader, listPipelineFiles, type LoadResult, type LoadedPipeline } from "../loader/index.ts";

export async function loadAllPipelines(config: ResolvedConfig, env: NodeJS.ProcessEnv): Promise<LoadResult> {
  await using loader = createLoader({ timeoutMs: config.daemon.loaderTimeoutMs, cwd: config.rootDir, env });
  const files = listPipelineFiles(config.pipelinesDir);
  const { result } = await loader.load({ files });
  return result;
}

export function allDiagnostics(result: LoadResult): Diagnostic[] {
  return [...result.files.flatMap((f) => f.diagnostics), ...result.diagnostics];
}

export function allPipelines(result: LoadResult): LoadedPipeline[] {
  return result.files.flatMap((f) => f.pipelines);
}

/** Diagnostic text with paths relative to the working folder, as a person reads them. */
export function describeDiagnostic(d: Diagnostic, cwd: string): string {
  return formatDiagnostic(d.file ? { ...d, file: relative(cwd, d.file) || d.file } : d);
}
