/**
 * @module Runs on this node: creation (idempotent), admission through a pluggable source (admission.ts: the in-memory
 * queue on SQLite, claims from the database on PostgreSQL), starting each admitted run in its own process on the
 * version it was created with, cancellation (here, or asked of the node that holds the run), and ending runs whose
 * process is gone. A node that executes nothing (an api or scheduler node) has no supervisor: it creates and cancels.
 */
import { ConflictError, NotFoundError, toErrorInfo, type ErrorInfo } from "../core/errors.ts";
import type { RunEvent } from "../core/events.ts";
import { isTerminalRunState, type RunState } from "../core/states.ts";
import {
  announceRunEnd, createRun, getRun, getTaskRuns, listRunsInStates, setRunPid, type CreateRunInput, type RunRecord, type Store,
  type StoreSink,
} from "../store/index.ts";
import { backfillOf, type Admission, type AdmissionSlots } from "./admission.ts";
import { cancelNotHere } from "./cancel-request.ts";
import { endRunEvents, type EndState } from "./finalize.ts";
import { followUpRun, notBeforeOf } from "./follow-up.ts";
import type { DaemonLogger } from "./logger.ts";
import type { ArraylakeSettings } from "../run/arraylake.ts";
import { runAssignment } from "../run/assignment.ts";
import type { RunAssignment } from "../run/protocol.ts";
import { VersionBundleError } from "./errors.ts";
import type { RunExit, RunHandle, Supervisor } from "./supervisor.ts";
import type { VersionManifest } from "./version-manifest.ts";
import type { RunVersions } from "./run-versions.ts";

export interface Limits {
  maxActiveRuns: number;
  tasksPerRun: number;
}

export interface RunManagerDeps {
  store: Store;
  sink: StoreSink;
  versions: RunVersions;
  /** Builds the admission source over this manager's slots (the queue, or claims). */
  admission(slots: AdmissionSlots): Admission | Promise<Admission>;
  /** Whether runs live in a database shared with other nodes (PostgreSQL): who holds a run is found there. */
  shared: boolean;
  /** This node's id (announced with the ends of the runs it executed). */
  node: string;
  arraylake(): ArraylakeSettings;
  heartbeatMs: number;
  killGraceMs: number;
  limits(): Limits;
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
  /** Another node holds the run now: nothing more is written for it from here. */
  lost: boolean;
  /** Why it was asked to stop before its process existed (a cancel decided elsewhere): it is not started. */
  stopped: string | undefined;
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
  /** Queued and active runs of a schedule (in the whole cluster on PostgreSQL), oldest first. */
  ofSchedule(scheduleId: string): Promise<RunRecord[]>;
  /**
   * Runs of a pipeline not ended, oldest first, in the whole cluster on PostgreSQL (this node's otherwise): `waiting`
   * to start (Pending) and `started` (a process was given them, or Running/Cancelling elsewhere).
   */
  ofPipeline(pipeline: string): Promise<{ waiting: RunRecord[]; started: RunRecord[] }>;
  /** The fence this node holds per claimed run (the run channel's writes carry it). */
  readonly fences: ReadonlyMap<string, number>;
  onExit(runId: string, exit: RunExit): Promise<void>;
  /** Stops starting queued runs (shutdown); running runs keep their leases. */
  hold(): void;
  /** Stops the admission's wake-ups and lease renewals (after the run processes are gone). */
  close(): Promise<void>;
  readonly queued: number;
}

export async function createRunManager(deps: RunManagerDeps): Promise<RunManager> {
  const active = new Map<string, Active>();
  let supervisor: Supervisor | undefined;
  let held = false;

  const slots: AdmissionSlots = {
    active: () => [...active.values()].map((a) => a.run),
    start: (run) => start(run),
    lost(runId, why) {
      const entry = active.get(runId);
      if (!entry) return;
      entry.lost = true;
      deps.log.warn("run:lost", `${runId}: ${why}; killing its process`, { runId });
      supervisor?.kill(runId, why);
    },
    stopRequested(runId, reason) {
      const entry = active.get(runId);
      if (!entry) return;
      if (!supervisor?.cancel(runId, reason, deps.killGraceMs)) entry.stopped ??= reason; // no process yet: not started
    },
  };
  const admission = await deps.admission(slots);
  const dispatch = (): void => {
    if (!held && supervisor) admission.dispatch();
  };

  /** A resume or run-level retry of a run that just ended, when its pipeline asks for one. */
  async function followUp(run: RunRecord, end: RunState, processDied: boolean): Promise<void> {
    const manifest = await deps.versions.fetch(run.pipeline, run.version).catch(() => undefined);
    const next = manifest && followUpRun(run, end, processDied, manifest.spec, deps.now());
    if (!next) return;
    const { kind, ...input } = next;
    const created = await createRun(deps.store, input);
    if (!created.created) return;
    admission.add([created.run]);
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

  function start(run: RunRecord): void {
    // Active at once, so the admission that called this counts it before the database answers.
    const entry: Active = { run, timer: undefined, timedOut: false, lost: false, stopped: undefined };
    active.set(run.id, entry);
    deps.onStart?.(run);
    launch(entry).catch(report("run:start"));
  }

  /** The run could not start for a reason of this node's (the database, a fork): it stays Pending and starts later. */
  function giveUp(entry: Active, error: unknown): void {
    const { run } = entry;
    active.delete(run.id);
    clearTimeout(entry.timer);
    deps.log.error("run:start", `${run.id}: could not start it here (${(error as Error)?.message ?? String(error)}); it stays Pending and starts later`, { runId: run.id });
    admission.giveUp(run);
    dispatch();
  }

  /** The version cannot be had (no snapshot, no bundle, a wrong hash): the run fails with the reason. */
  async function unavailable(entry: Active, error: unknown): Promise<void> {
    const { run } = entry;
    active.delete(run.id);
    const reason = (error as Error)?.message ?? String(error);
    deps.log.error("run:start", `${run.id}: ${reason}`, { runId: run.id });
    try {
      await fail(run, "Failed", reason, toErrorInfo(error));
    } finally {
      await admission.release(run.id); // drops the claim here even when the database refuses the release
    }
    deps.onEnd?.(run, "Failed");
    dispatch();
  }

  async function launch(entry: Active): Promise<void> {
    const { run } = entry;
    // Whatever fails before the process exists must not strand the run: a claim held (and renewed) without a process
    // would count against the cluster's limits for ever.
    let manifest: VersionManifest;
    try {
      // its snapshot on disk, or restored from its bundle in the database
      manifest = await deps.versions.fetch(run.pipeline, run.version);
    } catch (error) {
      if (error instanceof VersionBundleError) await unavailable(entry, error).catch(report("run:start"));
      else giveUp(entry, error);
      return;
    }
    let assignment: RunAssignment;
    try {
      assignment = runAssignment(run, manifest, {
        concurrency: deps.limits().tasksPerRun, heartbeatMs: deps.heartbeatMs, arraylake: deps.arraylake(),
        retried: run.retryOf ? await getTaskRuns(deps.store, run.retryOf) : undefined,
      });
    } catch (error) {
      giveUp(entry, error);
      return;
    }
    if (entry.lost || entry.stopped !== undefined) {
      // lost or cancelled while it was being prepared: nothing was started, nothing more is written
      active.delete(run.id);
      await admission.release(run.id);
      dispatch();
      return;
    }
    const timeoutMs = assignment.plan.timeoutMs;
    if (timeoutMs !== undefined) {
      // the engine times the run out itself; this only catches a process that ignores it
      entry.timer = setTimeout(() => {
        entry.timedOut = true;
        supervisor?.kill(run.id, `run timed out after ${timeoutMs} ms and did not stop`);
      }, timeoutMs + deps.killGraceMs);
    }
    deps.log.info("run:start", `${run.pipeline} ${run.id} (${run.trigger.kind}, version ${run.version})`, { runId: run.id, pipeline: run.pipeline });
    let handle: RunHandle;
    try {
      handle = await supervisor!.start(assignment);
    } catch (error) {
      // no process to report an exit (a fork that threw): the run is given up, not stranded
      if (!supervisor!.running().some((h) => h.runId === run.id)) giveUp(entry, error);
      else report("run:start")(error);
      return;
    }
    if (handle.pid !== undefined && active.has(run.id)) await setRunPid(deps.store, run.id, handle.pid).catch(report("run:pid"));
  }

  /** Ends a run whose process is gone (what its process reported, else Crashed/Cancelled/TimedOut) and gives its claim back. */
  async function recordEnd(runId: string, entry: Active | undefined, exit: RunExit): Promise<void> {
    await deps.sink.flush().catch(() => undefined); // writes what the child sent before reading its state
    if (entry?.lost) {
      // another node holds the run: its end is theirs to write (what this node would write is refused anyway)
      deps.log.warn("run:end", `${runId}: its process stopped after the lease was lost`, { runId });
      await admission.release(runId);
      return;
    }
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
      await admission.release(runId);
      await announceRunEnd(deps.store, run.id, deps.node);
      deps.log.warn("run:end", `${run.pipeline} ${runId} ${to}: ${reason}`, { runId, state: to });
      await followUp(run, to, to === "Crashed" && !exit.done);
      deps.onEnd?.(run, to);
    } else if (run) {
      await admission.release(runId);
      await announceRunEnd(deps.store, run.id, deps.node);
      deps.log.info("run:end", `${run.pipeline} ${runId} ${run.state}`, { runId, state: run.state });
      await followUp(run, run.state, false);
      deps.onEnd?.(run, run.state);
    }
  }

  /** A run this node does not execute: end it if nobody started it, else ask its holder to stop it (shared with the CLI). */
  const cancelElsewhere = (run: RunRecord, reason: string): Promise<void> => cancelNotHere({
    store: deps.store, node: deps.node, now: deps.now, shared: deps.shared, onEnd: (r, state) => deps.onEnd?.(r, state),
    async emit(events) {
      for (const e of events) {
        deps.sink.emit(e);
        deps.publish(e);
      }
      await deps.sink.flush();
    },
  }, run, reason);

  return {
    attach(s) {
      supervisor = s;
      dispatch();
    },
    async create(input) {
      const result = await createRun(deps.store, { ...input, createdAt: input.createdAt ?? deps.now() });
      if (result.created) {
        admission.add([result.run]);
        // after the caller's own writes (a schedule's cursor), which should not wait for a process to start
        queueMicrotask(dispatch);
      }
      return result;
    },
    enqueue(runs) {
      admission.add(runs);
      dispatch();
    },
    async cancel(runId, reason) {
      const run = await getRun(deps.store, runId);
      if (!run) throw new NotFoundError("run", runId);
      if (isTerminalRunState(run.state)) throw new ConflictError(`run ${runId} already ended (${run.state})`);
      if (admission.remove(runId) || !active.has(runId)) return cancelElsewhere(run, reason);
      if (run.state === "Running") {
        const e: RunEvent = { type: "run:transition", runId, from: "Running", to: "Cancelling", at: deps.now(), reason };
        deps.sink.emit(e);
        deps.publish(e);
      }
      supervisor?.cancel(runId, reason, deps.killGraceMs);
    },
    active: () => [...active.values()].map((a) => a.run),
    pending: () => admission.pending(),
    async ofSchedule(id) {
      const mine = (r: RunRecord): boolean => r.scheduleId === id && !backfillOf(r);
      if (deps.shared) return (await listRunsInStates(deps.store, ["Pending", "Running", "Cancelling"])).filter(mine);
      return [...active.values()].map((a) => a.run).concat(admission.pending()).filter(mine);
    },
    async ofPipeline(pipeline) {
      if (deps.shared) {
        const runs = await listRunsInStates(deps.store, ["Pending", "Running", "Cancelling"], pipeline);
        return { waiting: runs.filter((r) => r.state === "Pending"), started: runs.filter((r) => r.state !== "Pending") };
      }
      const of = (r: RunRecord): boolean => r.pipeline === pipeline;
      return { waiting: admission.pending().filter(of), started: [...active.values()].map((a) => a.run).filter(of) };
    },
    get fences() {
      return admission.fences;
    },
    async onExit(runId, exit) {
      const entry = active.get(runId);
      active.delete(runId);
      clearTimeout(entry?.timer);
      try {
        await recordEnd(runId, entry, exit);
      } catch (error) {
        // The end could not be recorded (the database failed): the claim is not renewed any more, so its lease
        // expires and the lease-expiry reaper ends the run; a claim renewed for a process that is gone would hold it
        // (and count against the limits) for ever.
        const why = (error as Error)?.message ?? String(error);
        if (!admission.fences.has(runId)) report("run:end")(error); // its end and claim were recorded; what followed failed
        else {
          deps.log.error("run:end", `${runId}: could not record its end (${why}); its claim lapses and the lease-expiry reaper ends it`, { runId });
          admission.lapse(runId);
        }
      }
      dispatch();
    },
    hold() {
      held = true;
      admission.hold();
    },
    close: () => admission.close(),
    get queued() {
      return admission.pending().length;
    },
  };
}

