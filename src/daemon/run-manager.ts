/**
 * @module Runs across the daemon: creation (idempotent), the queue of Pending runs and its admission rules
 * (global maxActiveRuns, the pipeline's maxActiveRuns, a schedule's own limit), starting each run in its own
 * process on the version it was created with, cancellation, and ending runs whose process is gone.
 */
import { ConflictError, NotFoundError, toErrorInfo, type ErrorInfo } from "../core/errors.ts";
import type { RunEvent } from "../core/events.ts";
import { isTerminalRunState, type RunState } from "../core/states.ts";
import {
  createRun, getRun, getTaskRuns, setRunPid, type CreateRunInput, type RunRecord, type Store, type StoreSink,
} from "../store/index.ts";
import { endRunEvents, type EndState } from "./finalize.ts";
import { followUpRun, notBeforeOf } from "./follow-up.ts";
import type { DaemonLogger } from "./logger.ts";
import type { ArraylakeSettings } from "../run/arraylake.ts";
import { runAssignment } from "../run/assignment.ts";
import { readManifest } from "./snapshot.ts";
import { versionManifest } from "./version-bundles.ts";
import type { RunExit, Supervisor } from "./supervisor.ts";
import type { VersionManifest } from "./version-manifest.ts";

export interface Limits {
  maxActiveRuns: number;
  tasksPerRun: number;
}

export interface RunManagerDeps {
  store: Store;
  sink: StoreSink;
  stateDir: string;
  arraylake(): ArraylakeSettings;
  heartbeatMs: number;
  killGraceMs: number;
  limits(): Limits;
  /** Max concurrent runs of a schedule (its overlap policy), or undefined for no limit of its own. */
  scheduleLimit(scheduleId: string): number | undefined;
  log: DaemonLogger;
  now(): number;
  publish(event: RunEvent): void;
  /** Told when a run leaves the queue for a run process (the node's claim latency). */
  onStart?(run: RunRecord): void;
  /** Told when a run's process has gone and the run has ended (data triggers chain on it). */
  onEnd?(run: RunRecord, state: RunState): void;
}

interface Active {
  run: RunRecord;
  timer: NodeJS.Timeout | undefined;
  timedOut: boolean;
}

export interface RunManager {
  /** Set once: the supervisor is built with this manager's exit hook. */
  attach(supervisor: Supervisor): void;
  create(input: CreateRunInput): Promise<{ run: RunRecord; created: boolean }>;
  /** Queues runs left Pending (by a previous daemon) in creation order. */
  enqueue(runs: readonly RunRecord[]): void;
  cancel(runId: string, reason: string): Promise<void>;
  /** Runs with a process (not the queued ones). */
  active(): RunRecord[];
  /** Queued runs, waiting for their turn. */
  pending(): RunRecord[];
  /** Queued and active runs of a schedule, oldest first. */
  ofSchedule(scheduleId: string): RunRecord[];
  onExit(runId: string, exit: RunExit): Promise<void>;
  /** Stops starting queued runs (shutdown). */
  hold(): void;
  readonly queued: number;
}

export function createRunManager(deps: RunManagerDeps): RunManager {
  const queue: RunRecord[] = [];
  const active = new Map<string, Active>();
  const manifests = new Map<string, VersionManifest | undefined>();
  let supervisor: Supervisor | undefined;
  let held = false;

  const manifestOf = (run: RunRecord): VersionManifest | undefined => {
    const key = `${run.pipeline}@${run.version}`;
    if (!manifests.has(key)) {
      if (manifests.size >= 256) manifests.delete(manifests.keys().next().value!); // bounded: months of versions
      manifests.set(key, readManifest(deps.stateDir, run.pipeline, run.version));
    }
    return manifests.get(key);
  };

  const count = (pred: (r: RunRecord) => boolean): number => {
    let n = 0;
    for (const a of active.values()) if (pred(a.run)) n++;
    return n;
  };

  let wake: NodeJS.Timeout | undefined;
  /** Dispatches again when the earliest delayed run (a retry's delay) may start. */
  function wakeAt(at: number): void {
    clearTimeout(wake);
    wake = setTimeout(dispatch, Math.max(0, at - deps.now()));
    wake.unref();
  }

  function admissible(run: RunRecord): boolean {
    const pipelineLimit = manifestOf(run)?.spec.maxActiveRuns;
    if (pipelineLimit !== undefined && count((r) => r.pipeline === run.pipeline) >= pipelineLimit) return false;
    const backfill = backfillOf(run);
    // a backfill's runs are limited by its own maxActive, not by the schedule's overlap policy
    if (backfill) return count((r) => backfillOf(r)?.id === backfill.id) < backfill.maxActive;
    const scheduleLimit = run.scheduleId ? deps.scheduleLimit(run.scheduleId) : undefined;
    if (scheduleLimit !== undefined && count((r) => r.scheduleId === run.scheduleId) >= scheduleLimit) return false;
    return true;
  }

  function dispatch(): void {
    if (held || !supervisor) return;
    let earliest = Number.POSITIVE_INFINITY;
    const now = deps.now();
    for (let i = 0; i < queue.length && active.size < deps.limits().maxActiveRuns; ) {
      const run = queue[i]!;
      const notBefore = notBeforeOf(run);
      if (notBefore !== undefined && notBefore > now) {
        earliest = Math.min(earliest, notBefore);
        i++;
        continue;
      }
      if (!admissible(run)) {
        i++;
        continue;
      }
      queue.splice(i, 1);
      start(run);
    }
    if (earliest !== Number.POSITIVE_INFINITY) wakeAt(earliest);
  }

  /** A resume or run-level retry of a run that just ended, when its pipeline asks for one. */
  async function followUp(run: RunRecord, end: RunState, processDied: boolean): Promise<void> {
    const manifest = manifestOf(run);
    const next = manifest && followUpRun(run, end, processDied, manifest.spec, deps.now());
    if (!next) return;
    const { kind, ...input } = next;
    const created = await createRun(deps.store, input);
    if (!created.created) return;
    queue.push(created.run);
    deps.log.info(`run:${kind}`, `${run.id} ${end}: ${kind === "resume" ? "resumed" : "retried"} as ${created.run.id} (completed tasks reused)`, { runId: created.run.id, retryOf: run.id });
  }

  async function fail(run: RunRecord, to: EndState, reason: string, error?: ErrorInfo): Promise<void> {
    const detail = await getRun(deps.store, run.id);
    if (!detail) return;
    for (const e of endRunEvents(detail, to, reason, deps.now(), error)) {
      deps.sink.emit(e);
      deps.publish(e);
    }
    await deps.sink.flush().catch((e: unknown) => deps.log.error("store:write", String(e)));
  }

  const report = (what: string) => (e: unknown): void => deps.log.error(what, (e as Error)?.message ?? String(e));

  /** The version a run executes: its snapshot on disk, or restored from its bundle in the database. */
  const versionFor = async (run: RunRecord): Promise<VersionManifest> => {
    const manifest = await versionManifest(deps, run.pipeline, run.version);
    manifests.set(`${run.pipeline}@${run.version}`, manifest);
    return manifest;
  };

  function start(run: RunRecord): void {
    // Active at once, so the dispatch loop that called this counts it before the database answers.
    const entry: Active = { run, timer: undefined, timedOut: false };
    active.set(run.id, entry);
    deps.onStart?.(run);
    versionFor(run).then((manifest) => launch(entry, manifest), async (error: unknown) => {
      active.delete(run.id);
      const reason = (error as Error)?.message ?? String(error);
      deps.log.error("run:start", `${run.id}: ${reason}`);
      await fail(run, "Failed", reason, toErrorInfo(error));
      deps.onEnd?.(run, "Failed");
      dispatch();
    }).catch(report("run:start"));
  }

  async function launch(entry: Active, manifest: VersionManifest): Promise<void> {
    const { run } = entry;
    const assignment = runAssignment(run, manifest, {
      concurrency: deps.limits().tasksPerRun, heartbeatMs: deps.heartbeatMs, arraylake: deps.arraylake(),
      retried: run.retryOf ? await getTaskRuns(deps.store, run.retryOf) : undefined,
    });
    const timeoutMs = manifest.plan.timeoutMs;
    if (timeoutMs !== undefined) {
      // the engine times the run out itself; this only catches a process that ignores it
      entry.timer = setTimeout(() => {
        entry.timedOut = true;
        supervisor?.kill(run.id, `run timed out after ${timeoutMs} ms and did not stop`);
      }, timeoutMs + deps.killGraceMs);
    }
    deps.log.info("run:start", `${run.pipeline} ${run.id} (${run.trigger.kind}, version ${run.version})`, { runId: run.id, pipeline: run.pipeline });
    try {
      const handle = await supervisor!.start(assignment);
      if (handle.pid !== undefined && active.has(run.id)) await setRunPid(deps.store, run.id, handle.pid);
    } catch (error) {
      deps.log.error("run:start", `${run.id}: ${(error as Error)?.message ?? String(error)}`);
    }
  }

  return {
    attach(s) {
      supervisor = s;
      dispatch();
    },
    async create(input) {
      const result = await createRun(deps.store, { ...input, createdAt: input.createdAt ?? deps.now() });
      if (result.created) {
        queue.push(result.run);
        // after the caller's own writes (a schedule's cursor), which should not wait for a process to start
        queueMicrotask(dispatch);
      }
      return result;
    },
    enqueue(runs) {
      queue.push(...runs);
      dispatch();
    },
    async cancel(runId, reason) {
      const run = await getRun(deps.store, runId);
      if (!run) throw new NotFoundError("run", runId);
      if (isTerminalRunState(run.state)) throw new ConflictError(`run ${runId} already ended (${run.state})`);
      const i = queue.findIndex((r) => r.id === runId);
      if (i >= 0 || !active.has(runId)) {
        // never started: it ends here, and whoever waits for its end (a parent, a chained trigger) is told
        if (i >= 0) queue.splice(i, 1);
        await fail(run, "Cancelled", reason);
        deps.onEnd?.(run, "Cancelled");
        return;
      }
      if (run.state === "Running") {
        const e: RunEvent = { type: "run:transition", runId, from: "Running", to: "Cancelling", at: deps.now(), reason };
        deps.sink.emit(e);
        deps.publish(e);
      }
      supervisor?.cancel(runId, reason, deps.killGraceMs);
    },
    active: () => [...active.values()].map((a) => a.run),
    pending: () => [...queue],
    ofSchedule: (id) => [...active.values()].map((a) => a.run).concat(queue).filter((r) => r.scheduleId === id && !backfillOf(r)),
    async onExit(runId, exit) {
      const entry = active.get(runId);
      active.delete(runId);
      clearTimeout(entry?.timer);
      await deps.sink.flush().catch(() => undefined); // writes what the child sent before reading its state
      const run = await getRun(deps.store, runId);
      if (run && !isTerminalRunState(run.state)) {
        const how = exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`;
        let to: EndState = "Crashed";
        let reason = exit.killedFor ?? `run process ${how}`;
        let error: ErrorInfo | undefined;
        if (entry?.timedOut) to = "TimedOut";
        else if (run.state === "Cancelling" || exit.cancelRequested || /cancel/i.test(exit.killedFor ?? "")) {
          to = "Cancelled";
          reason = exit.killedFor ?? exit.cancelRequested ?? "cancelled";
        }
        else if (exit.done && isTerminalRunState(exit.done.state as RunState)) {
          to = exit.done.state as EndState;
          reason = exit.done.error?.message ?? reason;
          error = exit.done.error;
        }
        await fail(run, to, reason, error);
        deps.log.warn("run:end", `${run.pipeline} ${runId} ${to}: ${reason}`, { runId, state: to });
        await followUp(run, to, to === "Crashed" && !exit.done);
        deps.onEnd?.(run, to);
      } else if (run) {
        deps.log.info("run:end", `${run.pipeline} ${runId} ${run.state}`, { runId, state: run.state });
        await followUp(run, run.state, false);
        deps.onEnd?.(run, run.state);
      }
      dispatch();
    },
    hold() {
      held = true;
      clearTimeout(wake);
    },
    get queued() {
      return queue.length;
    },
  };
}

/** The backfill a run belongs to (its trigger detail), with that backfill's limit. */
function backfillOf(run: RunRecord): { id: string; maxActive: number } | undefined {
  const d = run.trigger.detail as { backfill?: unknown; maxActive?: unknown } | null;
  return typeof d?.backfill === "string" ? { id: d.backfill, maxActive: typeof d.maxActive === "number" ? d.maxActive : 1 } : undefined;
}
