/**
 * @module Start-up reconciliation. Run processes exit when their daemon goes away (their IPC channel closes), so
 * at start every run a previous daemon left Running or Cancelling has no process: it becomes Crashed, or, when its
 * pipeline version opts in with `resume: true`, Crashed and resumed as a new run of the same version and params
 * that reuses its completed tasks (so only incomplete tasks run again; the slot stays with the old run, so a
 * scheduled slot never runs twice). Pending runs are queued again. Leases of dead runs are dropped.
 */
import type { RunEvent } from "../core/events.ts";
import { getRun, listRunsInStates, pruneExpiredLeases, setRunPid, type RunRecord, type Store, type StoreSink } from "../store/index.ts";
import { endRunEvents } from "./finalize.ts";
import type { DaemonLogger } from "./logger.ts";
import type { RunManager } from "./run-manager.ts";
import { readManifest } from "./snapshot.ts";

export interface ReconcileResult {
  crashed: string[];
  resumed: { from: string; to: string }[];
  requeued: string[];
}

export function reconcile(deps: { store: Store; sink: StoreSink; runs: RunManager; stateDir: string; log: DaemonLogger; now: number }): ReconcileResult {
  const { store, log } = deps;
  const result: ReconcileResult = { crashed: [], resumed: [], requeued: [] };
  pruneExpiredLeases(store, Number.MAX_SAFE_INTEGER);
  const left = listRunsInStates(store, ["Running", "Cancelling"]);
  const events: RunEvent[] = [];
  const resume: RunRecord[] = [];
  for (const run of left) {
    const detail = getRun(store, run.id);
    if (!detail) continue;
    const resumable = run.state === "Running" && readManifest(deps.stateDir, run.pipeline, run.version)?.spec.resume === true;
    const reason = resumable ? "the daemon stopped while this run was running; resumed as a new run" : "the daemon stopped while this run was running";
    events.push(...endRunEvents(detail, run.state === "Cancelling" ? "Cancelled" : "Crashed", reason, deps.now));
    result.crashed.push(run.id);
    if (resumable) resume.push(run);
  }
  for (const e of events) deps.sink.emit(e);
  void deps.sink.flush();
  for (const run of result.crashed) log.warn("run:crashed", `${run} was left running by a previous daemon: Crashed`, { runId: run });
  for (const old of resume) {
    const { run } = deps.runs.create({
      pipeline: old.pipeline, version: old.version, params: old.params, retryOf: old.id,
      trigger: { kind: "retry", detail: { resumeOf: old.id } }, idempotencyKey: `resume:${old.id}`,
    });
    result.resumed.push({ from: old.id, to: run.id });
    log.info("run:resume", `${old.id} resumed as ${run.id} (completed tasks reused)`, { runId: run.id, retryOf: old.id });
  }
  const pending = listRunsInStates(store, ["Pending"]);
  for (const run of pending) if (run.pid !== null) setRunPid(store, run.id, null);
  deps.runs.enqueue(pending.filter((r) => !result.resumed.some((x) => x.to === r.id)));
  result.requeued = pending.map((r) => r.id);
  return result;
}
