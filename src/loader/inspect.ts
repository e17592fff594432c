/**
 * @module Loads pipeline files in this process and turns each exported pipeline into a validated spec, a plan
 * and a version, or diagnostics. The daemon calls it through a disposable loader process (see spawn.ts).
 */
import type { Diagnostic } from "../core/errors.ts";
import { paramsJsonSchema, validatePipeline } from "../dsl/validate.ts";
import { planPipeline } from "../plan/index.ts";
import { validateTiming } from "../schedule/index.ts";
import { collectPipelines } from "./collect.ts";
import { collectSources } from "./sources.ts";
import type { FileLoadResult, LoadResult, LoadedPipeline } from "./types.ts";

export async function inspectFile(file: string): Promise<FileLoadResult> {
  const contents = collectSources(file);
  const imports = [...contents.keys()].filter((f) => f !== file);
  const { pipelines, diagnostics } = await collectPipelines(file);
  const loaded: LoadedPipeline[] = [];
  for (const { exportName, pipeline } of pipelines) {
    const checked = validatePipeline(pipeline);
    if (!checked.ok) {
      diagnostics.push(...checked.diagnostics.map((d) => ({ file, ...d })));
      continue;
    }
    // Cron expressions and time zones are checked here: the schema layer cannot run cron-parser.
    const timing = checked.spec.schedules.flatMap((s, i) =>
      validateTiming(s).map((d) => ({ ...d, file, line: pipeline.location.line, pipeline: checked.spec.name, path: `schedules.${i}.${d.path ?? "cron"}` })),
    );
    if (timing.length > 0) {
      diagnostics.push(...timing);
      continue;
    }
    const planned = planPipeline(checked.spec, { file, contents, locations: checked.locations });
    if (!planned.ok) {
      diagnostics.push(...planned.diagnostics.map((d) => ({ file, pipeline: checked.spec.name, ...d })));
      continue;
    }
    loaded.push({
      name: checked.spec.name,
      file,
      exportName,
      version: planned.plan.version,
      spec: checked.spec,
      plan: planned.plan,
      paramsSchema: paramsJsonSchema(pipeline),
      locations: checked.locations,
    });
  }
  return { file, pipelines: loaded, diagnostics, imports };
}

/** Inspects files one by one (a broken file never hides the others) and flags duplicate pipeline names. */
export async function inspectFiles(files: readonly string[]): Promise<LoadResult> {
  const results: FileLoadResult[] = [];
  for (const file of files) results.push(await inspectFile(file));
  const diagnostics: Diagnostic[] = [];
  const owner = new Map<string, string>();
  for (const result of results) {
    for (const p of result.pipelines) {
      const first = owner.get(p.name);
      if (first === undefined) owner.set(p.name, p.file);
      else {
        diagnostics.push({
          file: p.file,
          pipeline: p.name,
          path: "name",
          code: "duplicate_pipeline",
          message: `pipeline name "${p.name}" is already defined in ${first}`,
        });
      }
    }
  }
  return { files: results, diagnostics };
}
