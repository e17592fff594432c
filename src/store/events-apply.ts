/**
 * @module `applyRunEvents`: the one function through which run and task states change. A batch runs in one
 * transaction; each transition is checked against core's tables, then applied as compare-and-set on the stored
 * state and recorded as an `events` row. Rejections are returned, never thrown, so one bad event cannot sink a batch.
 * Hot path: a task's transitions within a batch fold into one row write (task-patch.ts), and event and log rows
 * are appended at the end of the batch, in order, with multi-row inserts (insert-many.ts). Each run a batch
 * touches gets its `change_count` bumped once, in the same transaction (cheap re-validation for readers).
 */
import type { LogEvent, RunEvent, RunTransitionEvent, TaskTransitionEvent } from "../core/events.ts";
import { RUN_TRANSITIONS, TASK_TRANSITIONS, TERMINAL_RUN_STATES, type RunState, type TaskState } from "../core/states.ts";
import { insertMany, rowTexts, type RowSpec } from "./insert-many.ts";
import { INT, TEXT, type Db, type Sql } from "./sql.ts";
import { errorJson, jsonOrNull, redactText } from "./rows.ts";
import { writePatches, type PatchSink } from "./patch-writes.ts";
import { BARE_CREATE_ROWS, fold, newPatch, type TaskPatch } from "./task-patch.ts";

export type RejectReason = "not-allowed" | "state-mismatch" | "not-found" | "error" | "fenced";

export interface ApplyOptions {
  /**
   * The fence this node holds per run (from its claim). Events of a run whose fence moved on (another node
   * claimed it) are rejected as "fenced" and change nothing. Runs not listed are written unchecked (one node).
   */
  fences?: ReadonlyMap<string, number> | undefined;
  /**
   * The writing node's id: recorded on runs this batch starts (Pending -> Running) and on tasks it moves to
   * Running, so the API can say which node ran what. Omitted: nothing recorded (a run without a daemon).
   */
  node?: string | undefined;
}

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

const UPDATE_RUN = `UPDATE runs SET state = ?, started_at = COALESCE(started_at, ?), ended_at = ?,
  error = COALESCE(?, error), node = COALESCE(?, node)
WHERE id = ? AND state = ?`;
const SET_TASK_NODE = (n: number): string => `UPDATE task_runs SET node = ? WHERE run_id = ? AND task IN ${inList(n)}`;
const INSERT_READ = `INSERT INTO snapshot_reads (run_id, task, repo, branch, tag, snapshot_id, at)
VALUES (?, ?, ?, ?, ?, ?, ?)`;
const INSERT_COMMIT = `INSERT INTO commits (run_id, pipeline, task, repo, branch, snapshot_id, parent_snapshot_id,
  message, at)
SELECT r.id, r.pipeline, ${TEXT}, ${TEXT}, ${TEXT}, ${TEXT}, ${TEXT}, ${TEXT}, ${INT} FROM runs r WHERE r.id = ?`;
const INSERT_ARTIFACT = `INSERT INTO artifacts (run_id, seq, task, kind, title, text, content, mime, size, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const RELEASE_RUN_LEASES = (n: number): string => `DELETE FROM leases WHERE run_id IN ${inList(n)}`;
const RUN_STATE = "SELECT state FROM runs WHERE id = ?";
const SET_PARAMS = "UPDATE runs SET params = ? WHERE id = ?";
const BUMP_RUNS = (n: number): string => `UPDATE runs SET change_count = change_count + 1 WHERE id IN ${inList(n)}`;
/** `(?, ?, ...)` for n values. */
const inList = (n: number): string => `(${"?, ".repeat(n - 1)}?)`;
/** Runs `text(n)` over `ids` in statements of at most 100 values (one round trip for a usual batch). */
async function forIds(sql: Sql, ids: readonly string[], text: (n: number) => string): Promise<void> {
  for (let at = 0; at < ids.length; at += 100) {
    const part = ids.slice(at, at + 100);
    await sql.run(text(part.length), part);
  }
}

type Transition = RunTransitionEvent | TaskTransitionEvent;

const EVENT_TEXTS = rowTexts("INSERT INTO events (run_id, task, from_state, to_state, at, reason, attempt)", 7);
const LOG_TEXTS = rowTexts("INSERT INTO logs (run_id, task, attempt, level, message, at)", 6);

/** Event rows for the transitions at the given batch positions (no wrapper object per row). */
const eventRows = (events: readonly RunEvent[]): RowSpec<number> => ({
  texts: EVENT_TEXTS,
  bind: (i, out) => {
    const e = events[i] as RunEvent & Transition;
    if (e.type === "task:transition") out.push(e.runId, e.task, e.from, e.to, e.at, reasonOf(e), e.attempt);
    else out.push(e.runId, null, e.from, e.to, e.at, reasonOf(e), null);
  },
});
const logRows = (events: readonly RunEvent[]): RowSpec<number> => ({
  texts: LOG_TEXTS,
  bind: (i, out) => {
    const e = events[i] as LogEvent;
    out.push(e.runId, e.task ?? null, e.attempt ?? null, e.level, redactText(e.message), e.at);
  },
});

// Safe against states that arrive over IPC as arbitrary strings.
const runAllowed = (from: RunState, to: RunState): boolean => RUN_TRANSITIONS[from]?.includes(to) === true;
const taskAllowed = (from: TaskState, to: TaskState): boolean => TASK_TRANSITIONS[from]?.includes(to) === true;
const messageOf = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));

/**
 * Applies a batch of run events in one transaction and reports the ones it rejected.
 * @example
 * const { rejected } = await applyRunEvents(store, [{ type: "run:transition", runId, from: "Pending", to: "Running", at }]);
 */
export async function applyRunEvents(db: Db, events: readonly RunEvent[], opts: ApplyOptions = {}): Promise<ApplyResult> {
  const rejected: RejectedEvent[] = [];
  if (events.length > 0) {
    await db.sql.tx(async (sql) => {
      const lost = opts.fences ? await fencedOut(sql, events, opts.fences) : undefined;
      if (!lost || lost.size === 0) return applyBatch(sql, events, rejected, opts.node);
      const kept: RunEvent[] = [];
      const positions: number[] = [];
      events.forEach((e, index) => {
        if (!lost.has(e.runId)) {
          kept.push(e);
          positions.push(index);
        } else {
          const message = `run ${e.runId}: fence ${opts.fences!.get(e.runId)} is stale (another node claimed the run)`;
          rejected.push({ index, event: e, reason: "fenced", currentState: null, message });
        }
      });
      const inner: RejectedEvent[] = [];
      await applyBatch(sql, kept, inner, opts.node);
      for (const r of inner) rejected.push({ ...r, index: positions[r.index]! });
    });
  }
  rejected.sort((a, b) => a.index - b.index);
  return { applied: events.length - rejected.length, rejected };
}

// Row-locks the runs on PostgreSQL until commit, so no claim can move a fence between this check and the writes.
const FENCES = (n: number, lock: boolean): string => `SELECT id, fence FROM runs WHERE id IN ${inList(n)}${lock ? " FOR UPDATE" : ""}`;

/** The runs of this batch whose fence is no longer the one this node holds (one statement per 100 runs). */
async function fencedOut(sql: Sql, events: readonly RunEvent[], fences: ReadonlyMap<string, number>): Promise<Set<string>> {
  const ids = [...new Set(events.map((e) => e.runId).filter((id) => fences.has(id)))];
  const current = new Map<string, number>();
  for (let at = 0; at < ids.length; at += 100) {
    const part = ids.slice(at, at + 100);
    for (const r of await sql.all<{ id: string; fence: number }>(FENCES(part.length, sql.dialect === "postgres"), part)) current.set(r.id, r.fence);
  }
  return new Set(ids.filter((id) => current.get(id) !== fences.get(id)));
}

async function applyBatch(sql: Sql, events: readonly RunEvent[], rejected: RejectedEvent[], node?: string): Promise<void> {
  const isRejected = new Uint8Array(events.length);
  const reject = (index: number, reason: RejectReason, currentState: string | null, message: string): void => {
    isRejected[index] = 1;
    rejected.push({ index, event: events[index]!, reason, currentState, message });
  };
  // runId -> task -> patch: no key string per event (a batch usually holds one run).
  const patches = new Map<string, Map<string, TaskPatch>>();
  const transitions: number[] = [];
  const logs: number[] = [];
  const creates: TaskPatch[] = [];
  const report: PatchSink = {
    miss(p, current) {
      for (const i of p.indices) {
        const e = events[i] as TaskTransitionEvent;
        const m = missOf(`task ${p.runId}/${p.task}`, e.from, e.to, current);
        reject(i, m.reason, m.currentState, m.message);
      }
    },
    error(p, cause) {
      for (const i of p.create ? [p.create.index, ...p.indices] : p.indices) reject(i, "error", null, messageOf(cause));
    },
  };
  const patchesOf = (runId: string): Map<string, TaskPatch> => {
    let m = patches.get(runId);
    if (m === undefined) patches.set(runId, (m = new Map()));
    return m;
  };

  // Runs whose detail this batch may change (all but log lines), for their change counters.
  const touched = new Set<string>();
  const ended: string[] = [];
  let lastTouched: string | undefined;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    if (e.type !== "log:line" && e.runId !== lastTouched) touched.add((lastTouched = e.runId));
    try {
      switch (e.type) {
        case "task:transition": {
          if (!taskAllowed(e.from, e.to)) {
            reject(i, "not-allowed", null, `task ${e.runId}/${e.task}: ${e.from} -> ${e.to} is not allowed`);
            break;
          }
          const ofRun = patchesOf(e.runId);
          let p = ofRun.get(e.task);
          if (p === undefined) {
            p = newPatch(e.runId, e.task, e.from);
            ofRun.set(e.task, p);
          } else if (p.state !== e.from) {
            const m = missOf(`task ${e.runId}/${e.task}`, e.from, e.to, p.state);
            reject(i, m.reason, m.currentState, m.message);
            break;
          }
          fold(p, e);
          p.indices.push(i);
          transitions.push(i);
          break;
        }
        case "task:create": {
          const ofRun = patchesOf(e.runId);
          const earlier = ofRun.get(e.task);
          // A second create of a key seen in this batch: what came before it is written first, in order.
          if (earlier) {
            if (earlier.create && earlier.indices.length === 0) creates.push(earlier);
            else await writePatches(sql, [earlier], report);
          }
          ofRun.set(e.task, newPatch(e.runId, e.task, "Pending", { parent: e.parent, mapIndex: e.mapIndex, index: i }));
          break;
        }
        case "run:transition": {
          const m = await applyRun(sql, e, node);
          if (m) reject(i, m.reason, m.currentState, m.message);
          else {
            transitions.push(i);
            if (TERMINAL_RUN_STATES.has(e.to)) ended.push(e.runId);
          }
          break;
        }
        case "log:line":
          logs.push(i);
          break;
        case "run:params":
          if ((await sql.run(SET_PARAMS, [jsonOrNull(e.params ?? {}), e.runId])) === 0) {
            reject(i, "not-found", null, `run ${e.runId} not found`);
          }
          break;
        case "snapshot:read":
          await sql.guard((g) => g.run(INSERT_READ, [e.runId, e.task ?? null, e.repo, e.branch ?? null, e.tag ?? null, e.snapshotId, e.at]));
          break;
        case "artifact:add": {
          const text = redactText(e.text);
          const size = Buffer.byteLength(text) + (e.content?.byteLength ?? 0);
          const content = e.content ? Buffer.from(e.content.buffer, e.content.byteOffset, e.content.byteLength) : null;
          await sql.guard((g) => g.run(INSERT_ARTIFACT, [
            e.runId, e.seq, e.task, e.kind, e.title === undefined ? null : redactText(e.title), text, content, e.mime ?? null, size, e.at,
          ]));
          break;
        }
        case "snapshot:commit": {
          const changes = await sql.guard((g) => g.run(INSERT_COMMIT, [
            e.task ?? null, e.repo, e.branch, e.snapshotId, e.parentSnapshotId ?? null, redactText(e.message), e.at,
            e.runId,
          ]));
          if (changes === 0) reject(i, "not-found", null, `run ${e.runId} not found`);
          break;
        }
      }
    } catch (cause) {
      // A failed statement rolls back only itself (e.g. a foreign key on an unknown run); the batch goes on.
      reject(i, "error", null, messageOf(cause));
    }
  }
  // Rows with transitions first (a create folded with its transitions is inserted in its latest state), then
  // bare creates, many rows per statement.
  const withTransitions: TaskPatch[] = [];
  for (const ofRun of patches.values()) {
    for (const p of ofRun.values()) (p.create && p.indices.length === 0 ? creates : withTransitions).push(p);
  }
  await writePatches(sql, withTransitions, report);
  await insertMany(sql, BARE_CREATE_ROWS, creates, (p, cause) => reject(p.create!.index, "error", null, messageOf(cause)));
  // Event rows only for transitions that held, in batch order.
  const held = rejected.length === 0 ? transitions : transitions.filter((i) => isRejected[i] === 0);
  await insertMany(sql, eventRows(events), held, (i, cause) => reject(i, "error", null, messageOf(cause)));
  await insertMany(sql, logRows(events), logs, (i, cause) => reject(i, "error", null, messageOf(cause)));
  if (node !== undefined) await recordTaskNodes(sql, events, held, isRejected, node);
  await forIds(sql, [...touched], BUMP_RUNS);
  // A finished run holds no pool slots: this is how a crash frees its leases.
  await forIds(sql, ended, RELEASE_RUN_LEASES);
}

type Miss = Pick<RejectedEvent, "reason" | "currentState" | "message">;

/** Names `node` on the tasks whose move to Running held in this batch (one statement per run, usually one). */
async function recordTaskNodes(sql: Sql, events: readonly RunEvent[], held: readonly number[], isRejected: Uint8Array, node: string): Promise<void> {
  const byRun = new Map<string, Set<string>>();
  for (const i of held) {
    const e = events[i]!;
    if (e.type !== "task:transition" || e.to !== "Running" || isRejected[i] === 1) continue;
    let tasks = byRun.get(e.runId);
    if (tasks === undefined) byRun.set(e.runId, (tasks = new Set()));
    tasks.add(e.task);
  }
  for (const [runId, tasks] of byRun) {
    const all = [...tasks];
    for (let at = 0; at < all.length; at += 100) {
      const part = all.slice(at, at + 100);
      await sql.run(SET_TASK_NODE(part.length), [node, runId, ...part]);
    }
  }
}

async function applyRun(sql: Sql, e: RunTransitionEvent, node?: string): Promise<Miss | undefined> {
  if (!runAllowed(e.from, e.to)) {
    return { reason: "not-allowed", currentState: null, message: `run ${e.runId}: ${e.from} -> ${e.to} is not allowed` };
  }
  const terminal = TERMINAL_RUN_STATES.has(e.to);
  const changes = await sql.run(UPDATE_RUN, [
    e.to, e.to === "Running" ? e.at : null, terminal ? e.at : null, errorJson(e.error),
    e.to === "Running" ? (node ?? null) : null, e.runId, e.from,
  ]);
  if (changes === 0) {
    const row = await sql.get<{ state: string }>(RUN_STATE, [e.runId]);
    return missOf(`run ${e.runId}`, e.from, e.to, row?.state ?? null);
  }
  return undefined;
}

const reasonOf = (e: { reason?: string | undefined; error?: { message: string } | undefined }): string | null => {
  const text = e.reason ?? e.error?.message;
  return text === undefined ? null : redactText(text);
};

function missOf(what: string, from: string, to: string, current: string | null): Miss {
  if (current === null) return { reason: "not-found", currentState: null, message: `${what} not found` };
  return {
    reason: "state-mismatch",
    currentState: current,
    message: `${what}: expected ${from} for ${from} -> ${to}, but it is ${current}`,
  };
}
