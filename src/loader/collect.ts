/**
 * @module Imports one pipeline module (in the current process: call it only in a disposable process) and
 * returns the pipelines it exports, or a diagnostic for why it could not be imported.
 */
import { pathToFileURL } from "node:url";
import type { Diagnostic } from "../core/errors.ts";
import { isPipeline, type AnyPipeline } from "../dsl/pipeline.ts";
import { importErrorDiagnostic } from "./import-errors.ts";

export interface CollectedPipeline {
  exportName: string;
  pipeline: AnyPipeline;
}

export async function collectPipelines(
  file: string,
): Promise<{ pipelines: CollectedPipeline[]; diagnostics: Diagnostic[] }> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    return { pipelines: [], diagnostics: [importErrorDiagnostic(error, file)] };
  }
  const pipelines: CollectedPipeline[] = [];
  const seen = new Set<unknown>();
  for (const [exportName, value] of Object.entries(mod)) {
    if (isPipeline(value) && !seen.has(value)) {
      seen.add(value);
      pipelines.push({ exportName, pipeline: value });
    }
  }
  if (pipelines.length === 0) {
    return {
      pipelines,
      diagnostics: [
        {
          file,
          code: "no_pipeline",
          message: "exports no pipeline: expected `export default pipeline({ name, ... }).task(...)`",
        },
      ],
    };
  }
  return { pipelines, diagnostics: [] };
}
