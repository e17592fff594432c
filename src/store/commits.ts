/** @module Commits and snapshot reads made by runs: listings, a run's snapshots, and snapshot lineage. */
import { InvalidCursorError } from "./errors.ts";
import type { Db } from "./sql.ts";
import { clampLimit, decodeCursor, encodeCursor, parseJson, toRun, type RunRow } from "./rows.ts";
import type { CommitRecord, Page, PipelineVersionRecord, RunRecord, SnapshotReadRecord } from "./types.ts";

interface CommitRow {
  seq: number;
  run_id: string;
  pipeline: string;
  task: string | null;
  repo: string;
  branch: string;
  snapshot_id: string;
  parent_snapshot_id: string | null;
  message: string;
  at: number;
}

interface ReadRow {
  seq: number;
  run_id: string;
  task: string | null;
  repo: string;
  branch: string | null;
  tag: string | null;
  snapshot_id: string;
  at: number;
}

const toCommit = (r: CommitRow): CommitRecord => ({
  seq: r.seq, runId: r.run_id, pipeline: r.pipeline, task: r.task, repo: r.repo, branch: r.branch,
  snapshotId: r.snapshot_id, parentSnapshotId: r.parent_snapshot_id, message: r.message, at: r.at,
});

const toRead = (r: ReadRow): SnapshotReadRecord => ({
  seq: r.seq, runId: r.run_id, task: r.task, repo: r.repo, branch: r.branch, tag: r.tag,
  snapshotId: r.snapshot_id, at: r.at,
});

export interface ListCommitsQuery {
  repo?: string | undefined;
  pipeline?: string | undefined;
  runId?: string | undefined;
  /** 1..1000, default 50. */
  limit?: number | undefined;
  cursor?: string | undefined;
}

/** Commits made by runs, newest first, with a stable cursor. */
export async function listCommits(store: Db, query: ListCommitsQuery = {}): Promise<Page<CommitRecord>> {
  const where: string[] = [];
  const args: (string | number)[] = [];
  for (const [column, value] of [["repo", query.repo], ["pipeline", query.pipeline], ["run_id", query.runId]] as const) {
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    args.push(value);
  }
  if (query.cursor !== undefined) {
    const [seq] = decodeCursor(query.cursor) ?? [];
    if (typeof seq !== "number") throw new InvalidCursorError(query.cursor);
    where.push("seq < ?");
    args.push(seq);
  }
  const limit = clampLimit(query.limit, 50, 1000);
  const sql = `SELECT * FROM commits${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY seq DESC LIMIT ?`;
  const rows = (await store.sql.all(sql, [...args, limit + 1])) as CommitRow[];
  const items = rows.slice(0, limit).map(toCommit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.seq]) : null };
}

const RUN_READS = "SELECT * FROM snapshot_reads WHERE run_id = ? ORDER BY seq";
const RUN_COMMITS = "SELECT * FROM commits WHERE run_id = ? ORDER BY seq";

/** The snapshots a run read and the commits it made, in order. */
export async function getRunSnapshots(store: Db, runId: string): Promise<{ reads: SnapshotReadRecord[]; commits: CommitRecord[] }> {
  return {
    reads: ((await store.sql.all(RUN_READS, [runId])) as ReadRow[]).map(toRead),
    commits: ((await store.sql.all(RUN_COMMITS, [runId])) as CommitRow[]).map(toCommit),
  };
}

export interface SnapshotLineage {
  commit: CommitRecord;
  /** The run that committed the snapshot: its params, version and trigger. */
  run: RunRecord;
  /** The pipeline version the run executed (null when it was never recorded). */
  pipelineVersion: PipelineVersionRecord | null;
  /** Every snapshot that run read. */
  reads: SnapshotReadRecord[];
}

const COMMIT_BY_SNAPSHOT = "SELECT * FROM commits WHERE repo = ? AND snapshot_id = ? ORDER BY seq LIMIT 1";
const RUN = "SELECT * FROM runs WHERE id = ?";
const VERSION = "SELECT * FROM pipeline_versions WHERE pipeline = ? AND version = ?";

/** Which run produced `snapshotId` in `repo`, from which inputs, with which code; undefined if no run did. */
export async function getSnapshotLineage(store: Db, repo: string, snapshotId: string): Promise<SnapshotLineage | undefined> {
  const { sql } = store;
  const commit = (await sql.get(COMMIT_BY_SNAPSHOT, [repo, snapshotId])) as CommitRow | undefined;
  if (!commit) return undefined;
  const run = (await sql.get(RUN, [commit.run_id])) as RunRow | undefined;
  if (!run) return undefined;
  const version = (await sql.get(VERSION, [run.pipeline, run.version])) as
    | { pipeline: string; version: string; file: string; plan: string; created_at: number }
    | undefined;
  return {
    commit: toCommit(commit),
    run: toRun(run),
    pipelineVersion: version
      ? { pipeline: version.pipeline, version: version.version, file: version.file,
          plan: parseJson(version.plan), createdAt: version.created_at }
      : null,
    reads: ((await sql.all(RUN_READS, [run.id])) as ReadRow[]).map(toRead),
  };
}

/** One run that read a snapshot: which tasks read it, and when first. */
export interface SnapshotReader {
  runId: string;
  pipeline: string;
  state: RunRecord["state"];
  /** Tasks that read it, sorted (empty when only run-level code did). */
  tasks: string[];
  /** Its first read of the snapshot. */
  at: number;
}

const readers = (tasks: string): string => `SELECT r.run_id, runs.pipeline, runs.state, MIN(r.at) AS at, MIN(r.seq) AS seq,
  ${tasks} AS tasks
  FROM snapshot_reads r JOIN runs ON runs.id = r.run_id
  WHERE r.repo = ? AND r.snapshot_id = ? GROUP BY r.run_id, runs.pipeline, runs.state ORDER BY seq DESC LIMIT ?`;
// The distinct tasks as JSON text ('[]' when none): each dialect's JSON aggregate.
const READERS = {
  sqlite: readers("json_group_array(DISTINCT r.task) FILTER (WHERE r.task IS NOT NULL)"),
  postgres: readers("COALESCE(json_agg(DISTINCT r.task) FILTER (WHERE r.task IS NOT NULL), '[]')::text"),
};

/** Runs that read `snapshotId` in `repo`, newest first (by first read), at most `limit` (1..1000, default 100). */
export async function getSnapshotReaders(store: Db, repo: string, snapshotId: string, limit?: number): Promise<SnapshotReader[]> {
  const rows = (await store.sql.all(READERS[store.sql.dialect], [repo, snapshotId, clampLimit(limit, 100, 1000)])) as {
    run_id: string; pipeline: string; state: string; at: number; tasks: string;
  }[];
  return rows.map((r) => ({
    runId: r.run_id, pipeline: r.pipeline, state: r.state as RunRecord["state"],
    tasks: (JSON.parse(r.tasks) as string[]).sort(), at: r.at,
  }));
}
