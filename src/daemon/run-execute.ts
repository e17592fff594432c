/**
 * @module One assignment, executed in the run process: import the version's snapshot module, validate the
 * params with the pipeline's own zod schema (a failure fails the run with the issues), and hand the run to the
 * runner with the daemon-backed sink, pools and cache lookups.
 */
import type { Clock } from "../core/clock.ts";
import { toErrorInfo, ValidationError, type ErrorInfo } from "../core/errors.ts";
import type { RunEventSink } from "../core/events.ts";
import type { TaskDefinition } from "../dsl/pipeline.ts";
import type { CacheLookup, PoolGate, PreviousTask } from "../engine/index.ts";
import { parseParams } from "../dsl/validate.ts";
import { executePipelineRun } from "../runner/execute.ts";
import { importPipeline } from "../runner/import-pipeline.ts";
import type { RunAssignment } from "./protocol.ts";
import { dirname } from "node:path";
import { checkConfig, importConfig, resolveConfig } from "../config/index.ts";
import type { ArraylakeSettings } from "../runner/index.ts";

/** Where `ctx.arraylake` finds repositories: the daemon's config file; the token comes from the environment. */
async function arraylakeSettingsOf(configFile: string | undefined): Promise<ArraylakeSettings> {
  const input = configFile ? await importConfig(configFile, process.env) : checkConfig({}, "(defaults)", process.env);
  const config = resolveConfig(input, configFile ? dirname(configFile) : process.cwd(), process.env);
  return { localReposDir: config.arraylake.localReposDir, serviceUri: config.arraylake.serviceUri, cwd: config.rootDir };
}

export interface ExecuteDeps {
  sink: RunEventSink;
  pools: PoolGate;
  cacheLookup: CacheLookup;
  signal: AbortSignal;
  clock: Clock;
  wrapTasks: (tasks: readonly TaskDefinition[]) => void;
}

export async function executeAssignment(
  a: RunAssignment,
  deps: ExecuteDeps,
): Promise<{ state: string; error?: ErrorInfo | undefined }> {
  const pipeline = await importPipeline(a.file, { exportName: a.exportName, name: a.pipeline });
  deps.wrapTasks(pipeline.tasks);
  const parsed = parseParams(pipeline, a.params);
  if (!parsed.ok) {
    const diagnostics = parsed.issues.map((i) => ({ pipeline: a.pipeline, path: `params.${i.path}`, code: "invalid_params", message: i.message }));
    return { state: "Failed", error: toErrorInfo(new ValidationError(diagnostics)) };
  }
  const params = parsed.params;
  const previous = a.previous
    ? new Map<string, PreviousTask>(
        a.previous.map((t) => [t.task, { state: t.state, resultJson: t.resultJson, persisted: t.resultJson !== undefined }]),
      )
    : undefined;
  const outcome = await executePipelineRun({
    runId: a.runId, pipeline, plan: a.plan, params, sink: deps.sink, clock: deps.clock, signal: deps.signal,
    concurrency: a.concurrency, pools: deps.pools, previous, cacheLookup: deps.cacheLookup,
    arraylake: await arraylakeSettingsOf(a.configFile),
  });
  return { state: outcome.state, error: outcome.error };
}
