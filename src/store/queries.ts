/** @module Run reads for the API and CLI: one run with its tasks, newest-first pages, state history, metrics. */
import type { RunState } from "../core/states.ts";
import { InvalidCursorError } from "./errors.ts";
import type { Db } from "./sql.ts";
import { clampLimit, decodeCursor, encodeCursor, toRun, type RunRow } from "./rows.ts";
import { getTaskRuns } from "./task-runs.ts";
import type { EventRecord, Page, RunDetail, RunRecord } from "./types.ts";

const RUN = "SELECT * FROM runs WHERE id = ?";

/** One run with its task rows, or undefined. */
export async function getRun(store: Db, id: string): Promise<RunDetail | undefined> {
  const row = (await store.sql.get(RUN, [id])) as RunRow | undefined;
  if (!row) return undefined;
  return { ...toRun(row), tasks: await getTaskRuns(store, id) };
}

const CHANGE_COUNT = "SELECT change_count FROM runs WHERE id = ?";

/**
 * A counter that grows with every write that changes the run's detail (state, tasks, events, commits, snapshots
 * read); undefined for an unknown run. One primary-key read: the cheap freshness check for cached renderings.
 */
export async function getRunChangeCount(store: Db, id: string): Promise<number | undefined> {
  return (await store.sql.get<{ change_count: number }>(CHANGE_COUNT, [id]))?.change_count;
}

/** How many runs are in one of `states` (one COUNT over the state index). */
export async function countRunsInStates(store: Db, states: readonly RunState[]): Promise<number> {
  if (states.length === 0) return 0;
  const sql = `SELECT COUNT(*) AS n FROM runs WHERE state IN (${states.map(() => "?").join(", ")})`;
  return ((await store.sql.get(sql, states)) as { n: number }).n;
}

export interface ListRunsQuery {
  pipeline?: string | undefined;
  state?: RunState | readonly RunState[] | undefined;
  /** Only runs created at or after this time (ms). */
  since?: number | undefined;
  /** 1..1000, default 50. */
  limit?: number | undefined;
  cursor?: string | undefined;
}

/**
 * Runs newest first. The cursor is the (created_at, id) of the last item, so runs created while paging
 * never shift or repeat the pages that follow.
 */
export async function listRuns(store: Db, query: ListRunsQuery = {}): Promise<Page<RunRecord>> {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (query.pipeline !== undefined) {
    where.push("pipeline = ?");
    args.push(query.pipeline);
  }
  const states = query.state === undefined ? [] : typeof query.state === "string" ? [query.state] : [...query.state];
  if (states.length > 0) {
    where.push(`state IN (${states.map(() => "?").join(", ")})`);
    args.push(...states);
  }
  if (query.since !== undefined) {
    where.push("created_at >= ?");
    args.push(query.since);
  }
  if (query.cursor !== undefined) {
    const [at, id] = decodeCursor(query.cursor) ?? [];
    if (typeof at !== "number" || typeof id !== "string") throw new InvalidCursorError(query.cursor);
    // A row-value comparison (also PostgreSQL) lets the index seek straight to the cursor.
    where.push("(created_at, id) < (?, ?)");
    args.push(at, id);
  }
  const limit = clampLimit(query.limit, 50, 1000);
  const sql = `SELECT * FROM runs${where.length ? ` WHERE ${where.join(" AND ")}` : ""}
ORDER BY created_at DESC, id DESC LIMIT ?`;
  const rows = (await store.sql.all(sql, [...args, limit + 1])) as RunRow[];
  const items = rows.slice(0, limit).map(toRun);
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last ? encodeCursor([last.createdAt, last.id]) : null;
  return { items, nextCursor };
}

interface EventRow {
  seq: number;
  run_id: string;
  task: string | null;
  from_state: string | null;
  to_state: string;
  at: number;
  reason: string | null;
  attempt: number | null;
}

const EVENTS = "SELECT * FROM events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?";

/** A run's state history (run and task transitions), oldest first; `afterSeq` for live tails. */
export async function getRunEvents(
  store: Db,
  runId: string,
  opts: { afterSeq?: number | undefined; limit?: number | undefined } = {},
): Promise<EventRecord[]> {
  const rows = await store.sql.all(EVENTS, [runId, opts.afterSeq ?? 0, clampLimit(opts.limit, 100_000, 100_000)]);
  return (rows as EventRow[]).map((r) => ({
    seq: r.seq, runId: r.run_id, task: r.task, from: r.from_state, to: r.to_state,
    at: r.at, reason: r.reason, attempt: r.attempt,
  }));
}

/** Every run currently in one of `states` (of one pipeline, or all), oldest first (reconciliation, active-run counts). */
export async function listRunsInStates(store: Db, states: readonly RunState[], pipeline?: string): Promise<RunRecord[]> {
  if (states.length === 0) return [];
  const of = pipeline === undefined ? "" : " AND pipeline = ?";
  const sql = `SELECT * FROM runs WHERE state IN (${states.map(() => "?").join(", ")})${of} ORDER BY created_at, id`;
  return ((await store.sql.all(sql, pipeline === undefined ? states : [...states, pipeline])) as RunRow[]).map(toRun);
}

/** Run counts per (pipeline, state), for `/metrics`. */
export async function countRunsByPipelineAndState(store: Db): Promise<{ pipeline: string; state: RunState; count: number }[]> {
  const sql = "SELECT pipeline, state, COUNT(*) AS count FROM runs GROUP BY pipeline, state ORDER BY pipeline, state";
  return (await store.sql.all(sql)) as { pipeline: string; state: RunState; count: number }[];
}
