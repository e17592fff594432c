/**
 * @module What comes after a run ends badly: a resume (its process died and the pipeline says `resume: true`, at
 * most `maxResumes` times) or a run-level retry (`retries`, after its delay). Either is a new run of the same
 * version, params and logical date that reuses the completed tasks (`retryOf`), under an idempotency key derived
 * from the ended run, so a daemon restarting in between never makes two. The slot key stays with the first run.
 */
import type { PipelineSpec } from "../../schemas/pipeline.ts";
import { parseDuration } from "../core/duration.ts";
import type { RunState } from "../core/states.ts";
import type { CreateRunInput, RunRecord } from "../store/index.ts";

/** What a follow-up run carries in its trigger detail, to count resumes and retries along the chain. */
export interface FollowUpDetail {
  resumeOf?: string;
  retryOf?: string;
  /** Resumes so far in this chain (a retry starts counting afresh). */
  resumes: number;
  /** Run-level retries so far in this chain. */
  retries: number;
  /** Not started before this time (ms): a retry's delay, kept in the run so a restart honours it. */
  notBefore?: number;
}

const countsOf = (run: RunRecord): { resumes: number; retries: number } => {
  const d = (run.trigger.detail ?? {}) as Partial<FollowUpDetail>;
  return { resumes: typeof d.resumes === "number" ? d.resumes : 0, retries: typeof d.retries === "number" ? d.retries : 0 };
};

const retryPolicy = (spec: PipelineSpec): { count: number; delayMs: number } => {
  const r = spec.retries;
  if (r === undefined) return { count: 0, delayMs: 0 };
  if (typeof r === "number") return { count: r, delayMs: 0 };
  return { count: r.count, delayMs: r.delay === undefined ? 0 : (parseDuration(r.delay) ?? 0) };
};

/**
 * The run to create after `run` ended in `end`, or undefined. `processDied` is true when the run ended because its
 * process went away (signal, out of memory, daemon stop), which is what `resume` covers.
 * @example
 * const next = followUpRun(run, "Crashed", true, manifest.spec, Date.now());
 * if (next) runs.create(next);
 */
export function followUpRun(
  run: RunRecord,
  end: RunState,
  processDied: boolean,
  spec: PipelineSpec,
  now: number,
): (CreateRunInput & { kind: "resume" | "retry" }) | undefined {
  const counts = countsOf(run);
  const base = {
    pipeline: run.pipeline, version: run.version, params: run.params, retryOf: run.id,
    scheduledFor: run.scheduledFor, createdAt: now,
  };
  if (end === "Crashed" && processDied && spec.resume && counts.resumes < spec.maxResumes) {
    const detail: FollowUpDetail = { ...counts, resumeOf: run.id, resumes: counts.resumes + 1 };
    return { ...base, kind: "resume", trigger: { kind: "retry", detail }, idempotencyKey: `resume:${run.id}` };
  }
  const policy = retryPolicy(spec);
  if ((end === "Failed" || end === "Crashed" || end === "TimedOut") && counts.retries < policy.count) {
    const detail: FollowUpDetail = {
      ...counts, retryOf: run.id, resumes: 0, retries: counts.retries + 1,
      ...(policy.delayMs > 0 ? { notBefore: now + policy.delayMs } : {}),
    };
    return { ...base, kind: "retry", trigger: { kind: "retry", detail }, idempotencyKey: `retry:${run.id}` };
  }
  return undefined;
}

/** When a queued run may start (a retry's delay), or undefined for at once. */
export function notBeforeOf(run: RunRecord): number | undefined {
  const at = (run.trigger.detail as { notBefore?: unknown } | null)?.notBefore;
  return typeof at === "number" ? at : undefined;
}
