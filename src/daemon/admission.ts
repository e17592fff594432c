/**
 * @module How Pending runs are admitted to start on this node: a pluggable source behind the run manager, which keeps
 * start, exit and cancel. On SQLite (one node) it is the in-memory queue here, in creation order, held back by the
 * global `maxActiveRuns`, the pipeline's `maxActiveRuns`, a schedule's own limit and a backfill's `maxActive`. On
 * PostgreSQL it is claims from the database (claim-admission.ts), with the same limits checked cluster-wide.
 */
import type { RunRecord } from "../store/index.ts";
import { notBeforeOf } from "./follow-up.ts";

/** What an admission sees of, and does to, the runs on this node. */
export interface AdmissionSlots {
  /** Runs started here (with a process, or about to have one). */
  active(): readonly RunRecord[];
  /** Starts a run this node may start now; `fence` is its claim's, carried on every write (PostgreSQL). */
  start(run: RunRecord, fence?: number): void;
  /** Another node holds the run now (its lease was lost): kill its process, write nothing more. */
  lost(runId: string, why: string): void;
  /** The run was asked to stop elsewhere (another node's API): cancel its process with the usual grace. */
  stopRequested(runId: string, reason: string): void;
}

export interface Admission {
  /** Runs created here or left Pending at start: the queue keeps them; claims find them in the database. */
  add(runs: readonly RunRecord[]): void;
  /** Starts what may start now (after a create, an exit, a wake-up). */
  dispatch(): void;
  /** Takes a run that has not started out of this node's queue; false when it is not queued here. */
  remove(runId: string): boolean;
  /** Runs waiting here for their turn (the queue; empty for claims, whose queue is the database). */
  pending(): RunRecord[];
  /** The fence this node holds per claimed run (writes carry it). */
  readonly fences: ReadonlyMap<string, number>;
  /** The run's process is gone and its end is written: give the claim back. */
  release(runId: string): Promise<void>;
  /**
   * The run could not be started here for a reason of this node's (the database failed, a fork failed): it stays
   * Pending and starts later. The claim is not renewed any more, so it lapses with its lease (the database may be
   * what failed) and any worker claims the run again; the queue takes it back after a pause.
   */
  giveUp(run: RunRecord): void;
  /**
   * The run's process is gone but its end could not be recorded (the database failed): stop renewing its claim
   * without releasing it, so its lease expires and the lease-expiry reaper ends it. Nothing for the queue (one node:
   * its orphan sweep ends a Running run whose process is gone).
   */
  lapse(runId: string): void;
  /** Stops admitting (shutdown); runs already started keep their claims renewed until they end. */
  hold(): void;
  /** Stops everything (wake-ups, renewals): the node is going away. */
  close(): Promise<void>;
}

export interface QueueLimits {
  maxActiveRuns(): number;
  /** The pipeline's own `maxActiveRuns`, from its version. */
  pipelineLimit(run: RunRecord): number | undefined;
  /** Max concurrent runs of a schedule (its overlap policy), or undefined for no limit of its own. */
  scheduleLimit(scheduleId: string): number | undefined;
  now(): number;
}

/** Whether `run` may start next to `active`: the pipeline's, the backfill's or the schedule's limit. */
export function withinLimits(run: RunRecord, active: readonly RunRecord[], pipelineLimit: number | undefined, scheduleLimit: number | undefined): boolean {
  const count = (pred: (r: RunRecord) => boolean): number => active.reduce((n, r) => (pred(r) ? n + 1 : n), 0);
  if (pipelineLimit !== undefined && count((r) => r.pipeline === run.pipeline) >= pipelineLimit) return false;
  const backfill = backfillOf(run);
  // a backfill's runs are limited by its own maxActive, not by the schedule's overlap policy
  if (backfill) return count((r) => backfillOf(r)?.id === backfill.id) < backfill.maxActive;
  if (scheduleLimit !== undefined && count((r) => r.scheduleId === run.scheduleId) >= scheduleLimit) return false;
  return true;
}

/** The in-memory queue (SQLite: this node is the only one). */
export function createQueueAdmission(limits: QueueLimits, slots: AdmissionSlots, retryMs = 5_000): Admission {
  const queue: RunRecord[] = [];
  const retries = new Set<NodeJS.Timeout>();
  let wake: NodeJS.Timeout | undefined;
  let closed = false;
  /** Dispatches again when the earliest delayed run (a retry's delay) may start. */
  const wakeAt = (at: number): void => {
    clearTimeout(wake);
    wake = setTimeout(dispatch, Math.max(0, at - limits.now()));
    wake.unref();
  };
  function dispatch(): void {
    if (closed) return;
    let earliest = Number.POSITIVE_INFINITY;
    const now = limits.now();
    for (let i = 0; i < queue.length && slots.active().length < limits.maxActiveRuns(); ) {
      const run = queue[i]!;
      const notBefore = notBeforeOf(run);
      if (notBefore !== undefined && notBefore > now) {
        earliest = Math.min(earliest, notBefore);
        i++;
        continue;
      }
      const scheduleLimit = run.scheduleId ? limits.scheduleLimit(run.scheduleId) : undefined;
      if (!withinLimits(run, slots.active(), limits.pipelineLimit(run), scheduleLimit)) {
        i++;
        continue;
      }
      queue.splice(i, 1);
      slots.start(run);
    }
    if (earliest !== Number.POSITIVE_INFINITY) wakeAt(earliest);
  }
  return {
    add(runs) {
      queue.push(...runs);
    },
    dispatch,
    remove(runId) {
      const i = queue.findIndex((r) => r.id === runId);
      if (i >= 0) queue.splice(i, 1);
      return i >= 0;
    },
    pending: () => [...queue],
    fences: new Map(),
    release: async () => undefined,
    lapse: () => undefined,
    giveUp(run) {
      // back in its place after a pause, so a failure that lasts does not spin
      const retry = setTimeout(() => {
        retries.delete(retry);
        queue.push(run);
        queue.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
        dispatch();
      }, retryMs);
      retry.unref();
      retries.add(retry);
    },
    hold() {
      closed = true;
      clearTimeout(wake);
    },
    async close() {
      closed = true;
      clearTimeout(wake);
      for (const retry of retries) clearTimeout(retry);
    },
  };
}

/** The backfill a run belongs to (its trigger detail), with that backfill's limit. */
export function backfillOf(run: RunRecord): { id: string; maxActive: number } | undefined {
  const d = run.trigger.detail as { backfill?: unknown; maxActive?: unknown } | null;
  return typeof d?.backfill === "string" ? { id: d.backfill, maxActive: typeof d.maxActive === "number" ? d.maxActive : 1 } : undefined;
}

/** A node that executes nothing (an api or scheduler node on PostgreSQL): runs wait in the database for workers. */
export function createNoAdmission(): Admission {
  return {
    add: () => undefined,
    dispatch: () => undefined,
    remove: () => false,
    pending: () => [],
    fences: new Map(),
    release: async () => undefined,
    giveUp: () => undefined,
    lapse: () => undefined,
    hold: () => undefined,
    close: async () => undefined,
  };
}
