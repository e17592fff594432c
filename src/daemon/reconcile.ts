/**
 * @module Start-up reconciliation. Run processes exit when their daemon goes away (their IPC channel closes), so
 * at start every run a previous daemon left Running or Cancelling has no process: it becomes Crashed, and its
 * pipeline's follow-up applies as when a run process dies under a live daemon (follow-up.ts: `resume: true` resumes
 * it, at most `maxResumes` times, reusing its completed tasks; else run-level `retries`). The slot stays with the
 * old run, so a scheduled slot never runs twice. Pending runs are queued again. Leases of dead runs are dropped.
 * A run whose recorded process is still alive after a short wait, or that has no process recorded, is not the
 * daemon's: it is a `floe run` executing locally (its own writer), and is left alone; the orphan sweep ends it if
 * its process dies.
 */
import type { RunEvent } from "../core/events.ts";
import {
  getRun, listClaims, listRunsInStates, pruneExpiredLeases, setRunPid, type CreateRunInput, type RunRecord, type Store, type StoreSink,
} from "../store/index.ts";
import { isAlive } from "./daemon-file.ts";
import { crashOf } from "./crash.ts";
import { endRunEvents } from "./finalize.ts";
import type { DaemonLogger } from "./logger.ts";
import type { RunManager } from "./run-manager.ts";
import { readManifest } from "./snapshot.ts";

export interface ReconcileResult {
  crashed: string[];
  resumed: { from: string; to: string }[];
  requeued: string[];
}

/**
 * Runs a node of a shared database (PostgreSQL) must leave alone: those claimed by a node (their leases decide, and a
 * recorded pid may be another machine's). Empty on SQLite.
 */
export async function claimedRuns(store: Store): Promise<Set<string>> {
  return store.dialect === "postgres" ? new Set((await listClaims(store)).map((c) => c.run.id)) : new Set();
}

export async function reconcile(deps: { store: Store; sink: StoreSink; runs: RunManager; stateDir: string; log: DaemonLogger; now: number }): Promise<ReconcileResult> {
  const { store, log } = deps;
  const result: ReconcileResult = { crashed: [], resumed: [], requeued: [] };
  // pool leases of a cluster's other nodes are theirs (dropped when their runs end or their leases expire)
  if (store.dialect !== "postgres") await pruneExpiredLeases(store, Number.MAX_SAFE_INTEGER);
  const claimed = await claimedRuns(store);
  let left = (await listRunsInStates(store, ["Running", "Cancelling"])).filter((r) => r.pid !== null && !claimed.has(r.id));
  await waitForExits(left.map((r) => r.pid!), 3_000);
  left = left.filter((r) => !isAlive(r.pid!));
  const events: RunEvent[] = [];
  const next: { old: RunRecord; input: CreateRunInput & { kind: string } }[] = [];
  for (const run of left) {
    const detail = await getRun(store, run.id);
    if (!detail) continue;
    const spec = run.state === "Running" ? readManifest(deps.stateDir, run.pipeline, run.version)?.spec : undefined;
    const crash = crashOf(detail, "the daemon stopped while this run was running", spec, deps.now);
    events.push(...crash.events);
    result.crashed.push(run.id);
    if (crash.next) next.push({ old: run, input: crash.next });
  }
  for (const e of events) deps.sink.emit(e);
  await deps.sink.flush();
  for (const run of result.crashed) log.warn("run:crashed", `${run} was left running by a previous daemon: Crashed`, { runId: run });
  for (const { old, input } of next) {
    const { kind, ...create } = input;
    const { run } = await deps.runs.create(create);
    result.resumed.push({ from: old.id, to: run.id });
    log.info(`run:${kind}`, `${old.id} ${kind === "resume" ? "resumed" : "retried"} as ${run.id} (completed tasks reused)`, { runId: run.id, retryOf: old.id });
  }
  const pending = (await listRunsInStates(store, ["Pending"])).filter((r) => !claimed.has(r.id));
  for (const run of pending) if (run.pid !== null) await setRunPid(store, run.id, null);
  deps.runs.enqueue(pending.filter((r) => !result.resumed.some((x) => x.to === r.id)));
  result.requeued = pending.map((r) => r.id);
  return result;
}

/** Run processes of a killed daemon exit as soon as they notice their channel closed: gives them up to `ms`. */
export async function waitForExits(pids: readonly number[], ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (pids.some((pid) => isAlive(pid)) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

/**
 * While the daemon runs: a Running run that is not one of its own and whose recorded process is gone (a local
 * `floe run` killed hard) is marked Crashed within `everyMs`. On PostgreSQL a pid means something only on the machine
 * that ran it: only runs this node ran are swept (the others' are the lease-expiry reaper's).
 */
export function startOrphanSweep(deps: { store: Store; sink: StoreSink; runs: RunManager; log: DaemonLogger; now: () => number; everyMs: number; node: string }): NodeJS.Timeout {
  const shared = deps.store.dialect === "postgres";
  const sweep = async (): Promise<void> => {
    try {
      const ours = new Set([...deps.runs.active().map((r) => r.id), ...(await claimedRuns(deps.store))]);
      for (const run of await listRunsInStates(deps.store, ["Running", "Cancelling"])) {
        if ((shared && run.node !== deps.node) || ours.has(run.id) || run.pid === null || isAlive(run.pid)) continue;
        const detail = await getRun(deps.store, run.id);
        if (!detail) continue;
        for (const e of endRunEvents(detail, "Crashed", `its process (pid ${run.pid}) is gone`, deps.now())) deps.sink.emit(e);
        deps.log.warn("run:crashed", `${run.id}: its process (pid ${run.pid}) is gone: Crashed`, { runId: run.id });
      }
      await deps.sink.flush().catch(() => undefined);
    } catch (error) {
      deps.log.error("run:sweep", String(error));
    }
  };
  const timer = setInterval(() => void sweep(), deps.everyMs);
  timer.unref();
  return timer;
}
