/**
 * @module The one builder of a run's `--json` document (`schemas/run-document.ts`): a projection of the API's run
 * body, so a run read from the store (CLI without daemon, floe/testing) and one fetched from a daemon's API
 * (`floe run` beside a daemon) print the same document.
 * @example
 * io.stdout(JSON.stringify(runDocumentOf(getRun(store, id)!), null, 2));
 */
import type { RunBody, TaskRunBody } from "../../schemas/api-runs.ts";
import type { RunDocument, RunSummaryDocument } from "../../schemas/run-document.ts";
import type { RunDetail, RunRecord } from "../store/types.ts";
import { presentRun, presentTask } from "./present.ts";

/** The document of a run without its tasks (`floe runs --json`). */
export function runSummaryDocument(run: RunBody): RunSummaryDocument {
  return {
    id: run.id,
    pipeline: run.pipeline,
    version: run.version,
    state: run.state,
    params: run.params,
    trigger: run.trigger.kind,
    retryOf: run.retryOf,
    parentRunId: run.parentRunId,
    node: run.node,
    scheduledFor: run.scheduledFor,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    error: run.error,
  };
}

/** The document of a run with its tasks, from the API's run body. */
export function runDocument(run: RunBody & { tasks: readonly TaskRunBody[] }): RunDocument {
  return {
    ...runSummaryDocument(run),
    tasks: run.tasks.map((t) => ({
      name: t.task, state: t.state, attempts: t.attempts, startedAt: t.startedAt, endedAt: t.endedAt, error: t.error, node: t.node,
    })),
  };
}

/** The document of a run read from the store. */
export const runDocumentOf = (run: RunDetail): RunDocument => runDocument({ ...presentRun(run), tasks: run.tasks.map(presentTask) });

/** The summary document of a run record read from the store. */
export const runSummaryDocumentOf = (run: RunRecord): RunSummaryDocument => runSummaryDocument(presentRun(run));
