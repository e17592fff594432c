/**
 * @module What a request for a run becomes, wherever it is made: the API on any node, or the CLI acting through the
 * database on a machine with no daemon. One implementation, so both give the same checks, messages and runs: a
 * submission's params are checked against the version's params JSON Schema (defaults filled; a ValidationError
 * names each field), and a retry of an ended run runs the pipeline's active version with the same params.
 * @example
 * const input = submissionInput(params, manifest, { pipeline: "hello", params: { who: "ocean" }, trigger: { kind: "api" } });
 * const { run } = await createRun(store, input);
 */
import { ConflictError, NotFoundError, ValidationError } from "../core/errors.ts";
import { isTerminalRunState } from "../core/states.ts";
import type { CreateRunInput, RunRecord, RunTrigger } from "../store/index.ts";
import type { ParamsChecker, ParamsVersion } from "./params-check.ts";

export interface Submission {
  /** Unvalidated params (a request body, command-line flags). */
  params?: unknown;
  idempotencyKey?: string | undefined;
  /** The logical date in ms; defaults to the creation time. */
  scheduledFor?: number | undefined;
  trigger: RunTrigger;
}

/** The run to create for a submission on `version`; throws ValidationError when the params do not fit. */
export function submissionInput(checker: ParamsChecker, version: ParamsVersion, s: Submission): CreateRunInput {
  const checked = checker.check(version, s.params ?? {});
  if (!checked.ok) throw new ValidationError(checked.diagnostics);
  return {
    pipeline: version.pipeline, version: version.version, params: checked.params, trigger: s.trigger,
    idempotencyKey: s.idempotencyKey, scheduledFor: s.scheduledFor,
  };
}

/**
 * The retry run of `runId` (found or not in `old`) on the version `activeVersion` gives for its pipeline: only an
 * ended run is retried (ConflictError otherwise); completed tasks are reused by the run (its `retryOf`).
 */
export async function retryInput(
  runId: string, old: RunRecord | undefined, activeVersion: (pipeline: string) => string | Promise<string>,
): Promise<CreateRunInput> {
  if (!old) throw new NotFoundError("run", runId);
  if (!isTerminalRunState(old.state)) throw new ConflictError(`run ${runId} is still ${old.state}; cancel it first`);
  return {
    pipeline: old.pipeline, version: await activeVersion(old.pipeline), params: old.params, retryOf: old.id,
    scheduledFor: old.scheduledFor, trigger: { kind: "retry", detail: { retryOf: old.id } },
  };
}
