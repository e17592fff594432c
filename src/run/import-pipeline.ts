/** @module Importing one pipeline definition (with its functions) in this process: a run process or the CLI. */
import { pathToFileURL } from "node:url";
import { NotFoundError } from "../core/errors.ts";
import { isPipeline, type AnyPipeline } from "../dsl/pipeline.ts";

/** The pipeline exported as `exportName` (or named `name`) from `file`. */
export async function importPipeline(file: string, select: { exportName?: string; name?: string }): Promise<AnyPipeline> {
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const candidates = Object.entries(mod).filter(([, v]) => isPipeline(v)) as [string, AnyPipeline][];
  const found = candidates.find(
    ([exportName, p]) => (select.exportName === undefined || exportName === select.exportName) &&
      (select.name === undefined || p.options.name === select.name),
  );
  if (!found) throw new NotFoundError("pipeline", `${select.name ?? select.exportName} in ${file}`);
  return found[1];
}
