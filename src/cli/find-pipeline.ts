/** @module Finding one valid pipeline by name in the configured folder, importing it in this process. */
import type { ResolvedConfig } from "../config/index.ts";
import type { AnyPipeline } from "../dsl/pipeline.ts";
import { inspectFiles, listPipelineFiles, type LoadedPipeline } from "../loader/index.ts";
import { importPipeline } from "../run/index.ts";
import type { CliIO } from "./command.ts";
import { allDiagnostics, allPipelines, describeDiagnostic } from "./load-pipelines.ts";

/** The loaded pipeline and its definition, or undefined after telling the user why not. */
export async function findPipeline(
  config: ResolvedConfig,
  name: string,
  io: CliIO,
  command: string,
): Promise<{ loaded: LoadedPipeline; pipeline: AnyPipeline } | undefined> {
  const result = await inspectFiles(listPipelineFiles(config.pipelinesDir));
  const loaded = allPipelines(result).find((p) => p.name === name);
  if (!loaded) {
    io.stderr(`floe ${command}: no valid pipeline named "${name}"\n`);
    for (const d of allDiagnostics(result).filter((d) => d.pipeline === name)) io.stderr(`  ${describeDiagnostic(d, io.cwd)}\n`);
    const names = allPipelines(result).map((p) => p.name);
    if (names.length) io.stderr(`  pipelines: ${names.join(", ")}\n`);
    return undefined;
  }
  return { loaded, pipeline: await importPipeline(loaded.file, { exportName: loaded.exportName }) };
}
