/**
 * @module Every store read the dashboard makes, in one place: bounded (a page, a capped history; never "all runs")
 * and redacted like the API's JSON (tokens in logs, errors or params never reach a page).
 */
import { runLineage } from "../api/run-lineage.ts";
import type { ApiDeps } from "../api/deps.ts";
import { redactDeep } from "../core/redact.ts";
import type { LogLevel } from "../core/events.ts";
import type { Plan } from "../plan/types.ts";
import {
  getLogs, getPipelineVersion, listChildRuns, getRun, getRunEvents, getRunSnapshots, getSnapshotLineage, listCommits, listRuns,
  type CommitRecord, type EventRecord, type ListRunsQuery, type LogRecord, type Page, type RunDetail, type RunRecord,
  type SnapshotReadRecord,
} from "../store/index.ts";

/** A run's state history beyond this is cut (a fan-out of many thousands of items); the timeline says so. */
export const MAX_EVENTS = 20_000;
/** Log lines rendered with the page; the live stream brings the rest. */
export const FIRST_LOG_LINES = 500;

export type PlanShape = Pick<Plan, "tasks" | "edges" | "levels">;

export interface RunView {
  run: RunDetail;
  events: EventRecord[];
  eventsCut: boolean;
  reads: SnapshotReadRecord[];
  commits: CommitRecord[];
  /** The plan of the version the run executed, when recorded. */
  plan: PlanShape | null;
  /** Runs this run's tasks started (`ctx.runPipeline`). */
  children: RunRecord[];
}

function isPlan(v: unknown): v is PlanShape {
  const p = v as Partial<PlanShape> | null;
  return !!p && Array.isArray(p.tasks) && Array.isArray(p.edges) && Array.isArray(p.levels);
}

export async function readRunView(deps: ApiDeps, id: string): Promise<RunView | undefined> {
  const run = await getRun(deps.store, id);
  if (!run) return undefined;
  const events = await getRunEvents(deps.store, id, { limit: MAX_EVENTS });
  const children = await listChildRuns(deps.store, id);
  const { reads, commits } = await runLineage(deps.store, id, children);
  const recorded = (await getPipelineVersion(deps.store, run.pipeline, run.version))?.plan;
  const active = deps.pipelines().find((p) => p.name === run.pipeline)?.active;
  const plan = isPlan(recorded) ? recorded : active?.version === run.version ? active.plan : null;
  return redactDeep({ run, events, eventsCut: events.length >= MAX_EVENTS, reads, commits, plan, children });
}

export async function readLogs(deps: ApiDeps, runId: string, level: LogLevel | undefined): Promise<LogRecord[]> {
  return redactDeep(await getLogs(deps.store, runId, { level, limit: FIRST_LOG_LINES }));
}

export async function readRuns(deps: ApiDeps, query: ListRunsQuery): Promise<Page<RunRecord>> {
  return redactDeep(await listRuns(deps.store, query));
}

export async function readRecentRuns(deps: ApiDeps, pipeline: string, limit: number): Promise<RunRecord[]> {
  return (await readRuns(deps, { pipeline, limit })).items;
}

export interface CommitView {
  commit: CommitRecord;
  /** What the committing run read, each with the run that produced it when a floe run did. */
  inputs: { read: SnapshotReadRecord; producedBy: string | null }[];
}

export async function readCommits(
  deps: ApiDeps, query: { repo?: string | undefined; cursor?: string | undefined; limit: number },
): Promise<Page<CommitView>> {
  const page = await listCommits(deps.store, query);
  const readsByRun = new Map<string, SnapshotReadRecord[]>();
  const items: CommitView[] = [];
  for (const commit of page.items) {
    let reads = readsByRun.get(commit.runId);
    if (!reads) readsByRun.set(commit.runId, (reads = (await getRunSnapshots(deps.store, commit.runId)).reads));
    const inputs: CommitView["inputs"] = [];
    for (const read of reads) {
      inputs.push({ read, producedBy: (await getSnapshotLineage(deps.store, read.repo, read.snapshotId))?.run.id ?? null });
    }
    items.push({ commit, inputs });
  }
  return redactDeep({ items, nextCursor: page.nextCursor });
}
