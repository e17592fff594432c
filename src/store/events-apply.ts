/**
 * @module `applyRunEvents`: the one function through which run and task states change. A batch runs in one
 * transaction; each transition is checked against core's tables, then applied as compare-and-set on the stored
 * state and recorded as an `events` row. Rejections are returned, never thrown, so one bad event cannot sink a batch.
 */
import type { RunEvent, RunTransitionEvent, TaskTransitionEvent } from "../core/events.ts";
import {
  RUN_TRANSITIONS, TASK_TRANSITIONS, TERMINAL_RUN_STATES, TERMINAL_TASK_STATES, type RunState, type TaskState,
} from "../core/states.ts";
import type { Store } from "./open-store.ts";
import { errorJson, redactText } from "./rows.ts";

export type RejectReason = "not-allowed" | "state-mismatch" | "not-found" | "error";

export interface RejectedEvent {
  /** Position of the event in the batch. */
  index: number;
  event: RunEvent;
  reason: RejectReason;
  /** The stored state when the compare-and-set missed (null when the row does not exist). */
  currentState: string | null;
  message: string;
}

export interface ApplyResult {
  applied: number;
  rejected: RejectedEvent[];
}

// One statement per kind of target state keeps each bind list short (this is the engine's hot path).
const TASK_TO_RUNNING = `UPDATE task_runs SET state = 'Running', attempts = ?, started_at = COALESCE(started_at, ?),
  retry_at = NULL
WHERE run_id = ? AND task = ? AND state = ?`;
const TASK_TO_SUCCESS = `UPDATE task_runs SET state = ?, attempts = CASE WHEN attempts < ? THEN ? ELSE attempts END,
  ended_at = ?, error = NULL, result = ?, cache_key = COALESCE(?, cache_key), retry_at = NULL
WHERE run_id = ? AND task = ? AND state = ?`;
const TASK_TO_OTHER = `UPDATE task_runs SET state = ?, attempts = CASE WHEN attempts < ? THEN ? ELSE attempts END,
  ended_at = ?, error = COALESCE(?, error), retry_at = ?
WHERE run_id = ? AND task = ? AND state = ?`;
const UPDATE_RUN = `UPDATE runs SET state = ?, started_at = COALESCE(started_at, ?), ended_at = ?,
  error = COALESCE(?, error)
WHERE id = ? AND state = ?`;
const INSERT_EVENT = `INSERT INTO events (run_id, task, from_state, to_state, at, reason, attempt)
VALUES (?, ?, ?, ?, ?, ?, ?)`;
const INSERT_TASK = `INSERT INTO task_runs (run_id, task, parent, map_index, state, attempts)
VALUES (?, ?, ?, ?, 'Pending', 0)
ON CONFLICT (run_id, task) DO NOTHING`;
const INSERT_LOG = `INSERT INTO logs (run_id, task, attempt, level, message, at) VALUES (?, ?, ?, ?, ?, ?)`;
const INSERT_READ = `INSERT INTO snapshot_reads (run_id, task, repo, branch, tag, snapshot_id, at)
VALUES (?, ?, ?, ?, ?, ?, ?)`;
const INSERT_COMMIT = `INSERT INTO commits (run_id, pipeline, task, repo, branch, snapshot_id, parent_snapshot_id,
  message, at)
SELECT r.id, r.pipeline, ?, ?, ?, ?, ?, ?, ? FROM runs r WHERE r.id = ?`;
const RELEASE_RUN_LEASES = "DELETE FROM leases WHERE run_id = ?";
const TASK_STATE = "SELECT state FROM task_runs WHERE run_id = ? AND task = ?";
const RUN_STATE = "SELECT state FROM runs WHERE id = ?";

// Safe against states that arrive over IPC as arbitrary strings.
const runAllowed = (from: RunState, to: RunState): boolean => RUN_TRANSITIONS[from]?.includes(to) === true;
const taskAllowed = (from: TaskState, to: TaskState): boolean => TASK_TRANSITIONS[from]?.includes(to) === true;

/**
 * Applies a batch of run events in one transaction and reports the ones it rejected.
 * @example
 * const { rejected } = applyRunEvents(store, [{ type: "run:transition", runId, from: "Pending", to: "Running", at }]);
 */
export function applyRunEvents(store: Store, events: readonly RunEvent[]): ApplyResult {
  const { sql } = store;
  const result: ApplyResult = { applied: 0, rejected: [] };
  if (events.length === 0) return result;
  sql.tx(() => {
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      try {
        const miss = applyOne(store, event);
        if (miss === undefined) result.applied++;
        else result.rejected.push({ index: i, event, ...miss });
      } catch (cause) {
        // A failed statement rolls back only itself (e.g. a foreign key on an unknown run); the batch goes on.
        const message = cause instanceof Error ? cause.message : String(cause);
        result.rejected.push({ index: i, event, reason: "error", currentState: null, message });
      }
    }
  });
  return result;
}

type Miss = Omit<RejectedEvent, "index" | "event">;

function applyOne(store: Store, e: RunEvent): Miss | undefined {
  const { sql } = store;
  switch (e.type) {
    case "task:transition":
      return applyTask(store, e);
    case "run:transition":
      return applyRun(store, e);
    case "task:create":
      sql.stmt(INSERT_TASK).run(e.runId, e.task, e.parent, e.mapIndex);
      return undefined;
    case "log:line":
      sql.stmt(INSERT_LOG).run(e.runId, e.task ?? null, e.attempt ?? null, e.level, redactText(e.message), e.at);
      return undefined;
    case "snapshot:read":
      sql.stmt(INSERT_READ).run(e.runId, e.task ?? null, e.repo, e.branch ?? null, e.tag ?? null, e.snapshotId, e.at);
      return undefined;
    case "snapshot:commit": {
      const info = sql.stmt(INSERT_COMMIT).run(
        e.task ?? null, e.repo, e.branch, e.snapshotId, e.parentSnapshotId ?? null, redactText(e.message), e.at, e.runId,
      );
      if (info.changes === 1) return undefined;
      return { reason: "not-found", currentState: null, message: `run ${e.runId} not found` };
    }
  }
}

function applyTask(store: Store, e: TaskTransitionEvent): Miss | undefined {
  const { sql } = store;
  if (!taskAllowed(e.from, e.to)) {
    return { reason: "not-allowed", currentState: null, message: `task ${e.runId}/${e.task}: ${e.from} -> ${e.to} is not allowed` };
  }
  let changes: number;
  if (e.to === "Running") {
    changes = sql.stmt(TASK_TO_RUNNING).run(e.attempt, e.at, e.runId, e.task, e.from).changes;
  } else if (e.to === "Completed" || e.to === "Cached") {
    const result = e.resultJson === undefined ? null : redactText(e.resultJson);
    changes = sql.stmt(TASK_TO_SUCCESS)
      .run(e.to, e.attempt, e.attempt, e.at, result, e.cacheKey ?? null, e.runId, e.task, e.from).changes;
  } else {
    const ended = TERMINAL_TASK_STATES.has(e.to) ? e.at : null;
    const retryAt = e.to === "AwaitingRetry" ? (e.retryAt ?? null) : null;
    changes = sql.stmt(TASK_TO_OTHER)
      .run(e.to, e.attempt, e.attempt, ended, errorJson(e.error), retryAt, e.runId, e.task, e.from).changes;
  }
  if (changes === 0) {
    const row = sql.stmt(TASK_STATE).get(e.runId, e.task) as { state: string } | undefined;
    return miss(`task ${e.runId}/${e.task}`, e.from, e.to, row?.state ?? null);
  }
  sql.stmt(INSERT_EVENT).run(e.runId, e.task, e.from, e.to, e.at, reasonOf(e), e.attempt);
  return undefined;
}

function applyRun(store: Store, e: RunTransitionEvent): Miss | undefined {
  const { sql } = store;
  if (!runAllowed(e.from, e.to)) {
    return { reason: "not-allowed", currentState: null, message: `run ${e.runId}: ${e.from} -> ${e.to} is not allowed` };
  }
  const terminal = TERMINAL_RUN_STATES.has(e.to);
  const info = sql.stmt(UPDATE_RUN).run(
    e.to, e.to === "Running" ? e.at : null, terminal ? e.at : null, errorJson(e.error), e.runId, e.from,
  );
  if (info.changes === 0) {
    const row = sql.stmt(RUN_STATE).get(e.runId) as { state: string } | undefined;
    return miss(`run ${e.runId}`, e.from, e.to, row?.state ?? null);
  }
  sql.stmt(INSERT_EVENT).run(e.runId, null, e.from, e.to, e.at, reasonOf(e), null);
  // A finished run holds no pool slots: this is how a crash frees its leases.
  if (terminal) sql.stmt(RELEASE_RUN_LEASES).run(e.runId);
  return undefined;
}

const reasonOf = (e: { reason?: string | undefined; error?: { message: string } | undefined }): string | null => {
  const text = e.reason ?? e.error?.message;
  return text === undefined ? null : redactText(text);
};

function miss(what: string, from: string, to: string, current: string | null): Miss {
  if (current === null) return { reason: "not-found", currentState: null, message: `${what} not found` };
  return {
    reason: "state-mismatch",
    currentState: current,
    message: `${what}: expected ${from} for ${from} -> ${to}, but it is ${current}`,
  };
}
