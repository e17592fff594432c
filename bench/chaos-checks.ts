/**
 * @module The chaos bench's invariants, read from the cluster's PostgreSQL and from the repository the runs commit to
 * (each execution of a run's `commit` task commits once, with the message `chaos run=<id> started=<ms>`):
 * 1. no (schedule, slot) run twice: one chain of runs per slot (a chain is a run and its resumes), no run resumed
 *    twice, and no two executions of one chain overlapping in time (both committed: the slot ran twice at once);
 * 2. no run left non-terminal;
 * 3. no result accepted from a stale fence: no row (event, log, commit, snapshot read, artifact) written to a run in
 *    a transaction after the one that ended it (PostgreSQL transaction ids, `xmin`): whoever ended it bumped or owned
 *    the fence, so anything later came from a node that had lost the run;
 * 4. at most one commit per run, counted both in the `commits` table and in the repository's history.
 */
import type { Store } from "../src/store/index.ts";
import type { ArraylakeRepo } from "../src/arraylake/index.ts";

export const TERMINAL = ["Completed", "Failed", "Cancelled", "Crashed", "TimedOut"] as const;
const TERMINAL_SQL = `(${TERMINAL.map((s) => `'${s}'`).join(", ")})`;

/** The commit message a chaos task writes (parsed back by `executionsOf`). */
export const commitMessage = (runId: string, startedAt: number): string => `chaos run=${runId} started=${startedAt}`;
const MESSAGE = /^chaos run=(\S+) started=(\d+)$/;

export interface Invariants {
  /** 1: slots with more than one chain, runs resumed more than once, chains with two executions at once. */
  slotsWithTwoChains: number;
  runsFollowedTwice: number;
  chainsRunTwiceAtOnce: number;
  /** 2 */
  nonTerminal: number;
  /** 3: rows per table written after the run's end. */
  staleWrites: Record<string, number>;
  /** 4: runs with more than one commit, in the database and in the repository. */
  runsWithTwoCommitsInDb: number;
  runsWithTwoCommitsInRepo: number;
}

/** Up to a few run ids behind each count that is not zero, with the rows of runs left open (to look into). */
export type Examples = Record<string, unknown[]>;

export interface Observations {
  /** Commits in the repository, and of them those of a run that had already ended (an execution past its lease). */
  repoCommits: number;
  commitsAfterRunEnded: number;
  /** Chains (slots or submissions) whose effect landed twice, one execution after the other (at-least-once). */
  chainsCommittedTwice: number;
}

const num = (v: unknown): number => Number(v ?? 0);

async function count(store: Store, sql: string): Promise<number> {
  return num((await store.sql.get<{ n: number }>(sql))?.n);
}

const SAMPLE = 3;
async function sample(store: Store, sql: string): Promise<unknown[]> {
  return (await store.sql.all<Record<string, unknown>>(`${sql} LIMIT ${SAMPLE}`)).map((r) => (Object.keys(r).length === 1 ? Object.values(r)[0] : r));
}

// The transaction that wrote a run's first terminal run event.
const ENDED = `SELECT run_id, MIN(xmin::text::bigint) AS x FROM events WHERE task IS NULL AND to_state IN ${TERMINAL_SQL} GROUP BY run_id`;
const STALE_TABLES = ["events", "logs", "commits", "snapshot_reads", "artifacts"] as const;

interface Execution { runId: string; startedAt: number; committedAt: number }

function executionsOf(history: readonly { message: string; writtenAt: string }[]): Execution[] {
  const out: Execution[] = [];
  for (const s of history) {
    const m = MESSAGE.exec(s.message);
    if (m) out.push({ runId: m[1]!, startedAt: Number(m[2]), committedAt: Date.parse(s.writtenAt) });
  }
  return out;
}

/** The id of each run's chain: its first run (following `retry_of` back). */
async function chainRoots(store: Store): Promise<Map<string, string>> {
  const rows = await store.sql.all<{ id: string; retry_of: string | null }>("SELECT id, retry_of FROM runs");
  const parent = new Map(rows.map((r) => [r.id, r.retry_of]));
  const roots = new Map<string, string>();
  for (const { id } of rows) {
    let at = id;
    for (let hops = 0; parent.get(at) && hops < 1000; hops++) at = parent.get(at)!;
    roots.set(id, at);
  }
  return roots;
}

/** Checks the invariants once every run has ended (or the settle deadline passed). */
export async function checkInvariants(store: Store, repo: ArraylakeRepo): Promise<{ invariants: Invariants; observations: Observations; examples: Examples }> {
  const examples: Examples = {};
  const slotsWithTwoChains = await count(store, `SELECT COUNT(*) AS n FROM (SELECT schedule_id, scheduled_for FROM runs
    WHERE trigger_kind = 'schedule' GROUP BY schedule_id, scheduled_for HAVING COUNT(*) > 1) d`);
  const runsFollowedTwice = await count(store, "SELECT COUNT(*) AS n FROM (SELECT retry_of FROM runs WHERE retry_of IS NOT NULL GROUP BY retry_of HAVING COUNT(*) > 1) d");
  const nonTerminal = await count(store, `SELECT COUNT(*) AS n FROM runs WHERE state NOT IN ${TERMINAL_SQL}`);
  if (nonTerminal > 0) {
    examples.nonTerminal = await sample(store, `SELECT id, pipeline, state, trigger_kind, retry_of, claimed_by, fence, lease_expires_at - ${Date.now()} AS lease_left_ms,
      node, created_at, started_at FROM runs WHERE state NOT IN ${TERMINAL_SQL} ORDER BY created_at`);
  }
  const staleWrites: Record<string, number> = {};
  for (const table of STALE_TABLES) {
    const after = `FROM ${table} t JOIN (${ENDED}) e ON e.run_id = t.run_id WHERE t.xmin::text::bigint > e.x`;
    staleWrites[table] = await count(store, `SELECT COUNT(*) AS n ${after}`);
    if (staleWrites[table]! > 0) examples[`stale ${table}`] = await sample(store, `SELECT DISTINCT t.run_id ${after}`);
  }
  const runsWithTwoCommitsInDb = await count(store, "SELECT COUNT(*) AS n FROM (SELECT run_id FROM commits GROUP BY run_id HAVING COUNT(*) > 1) d");

  const executions = executionsOf(await repo.ancestry({ branch: "main" }));
  const perRun = new Map<string, number>();
  for (const e of executions) perRun.set(e.runId, (perRun.get(e.runId) ?? 0) + 1);
  const runsWithTwoCommitsInRepo = [...perRun.values()].filter((n) => n > 1).length;

  const roots = await chainRoots(store);
  const byChain = new Map<string, Execution[]>();
  for (const e of executions) {
    const root = roots.get(e.runId) ?? e.runId;
    byChain.set(root, [...(byChain.get(root) ?? []), e]);
  }
  const twice: Execution[][] = [];
  const atOnce: Execution[][] = [];
  for (const list of byChain.values()) {
    if (list.length < 2) continue;
    twice.push(list);
    if (list.some((a, i) => list.some((b, j) => i < j && a.startedAt < b.committedAt && b.startedAt < a.committedAt))) atOnce.push(list);
  }
  if (twice.length > 0) examples.chainsCommittedTwice = twice.slice(0, SAMPLE);
  if (atOnce.length > 0) examples.chainsRunTwiceAtOnce = atOnce.slice(0, SAMPLE);
  const chainsRunTwiceAtOnce = atOnce.length;
  const chainsCommittedTwice = twice.length;
  const ended = new Map((await store.sql.all<{ id: string; ended_at: number | null }>("SELECT id, ended_at FROM runs")).map((r) => [r.id, r.ended_at]));
  const commitsAfterRunEnded = executions.filter((e) => {
    const at = ended.get(e.runId);
    return at !== null && at !== undefined && e.committedAt > num(at);
  }).length;
  if (runsWithTwoCommitsInRepo > 0) examples.runsWithTwoCommitsInRepo = [...perRun].filter(([, n]) => n > 1).slice(0, SAMPLE).map(([id]) => id);
  return {
    examples,
    invariants: { slotsWithTwoChains, runsFollowedTwice, chainsRunTwiceAtOnce, nonTerminal, staleWrites, runsWithTwoCommitsInDb, runsWithTwoCommitsInRepo },
    observations: { repoCommits: executions.length, commitsAfterRunEnded, chainsCommittedTwice },
  };
}

/** True when every invariant count is zero. */
export function holds(i: Invariants): boolean {
  const { staleWrites, ...rest } = i;
  return [...Object.values(rest), ...Object.values(staleWrites)].every((n) => n === 0);
}
