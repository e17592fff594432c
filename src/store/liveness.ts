/** @module Run liveness: heartbeats and pids from run processes, and finding runs whose process went quiet. */
import type { Store } from "./open-store.ts";
import { toRun, type RunRow } from "./rows.ts";
import type { RunRecord } from "./types.ts";

const HEARTBEAT = "UPDATE runs SET heartbeat_at = ? WHERE id = ?";
const SET_PID = "UPDATE runs SET pid = ? WHERE id = ?";
// A Pending run with a pid has a process; a Pending run without one is only waiting for a slot.
const STALE = `SELECT * FROM runs
WHERE (state IN ('Running', 'Cancelling') OR (state = 'Pending' AND pid IS NOT NULL))
  AND COALESCE(heartbeat_at, started_at, created_at) < ?
ORDER BY created_at, id`;

/** Records that the processes of `runIds` were alive at `at`; returns how many runs matched. */
export function heartbeat(store: Store, runIds: readonly string[], at: number): number {
  const { sql } = store;
  return sql.tx(() => {
    let n = 0;
    for (const id of runIds) n += sql.stmt(HEARTBEAT).run(at, id).changes;
    return n;
  });
}

/** Records (or clears, with null) the pid of the process executing a run. */
export function setRunPid(store: Store, runId: string, pid: number | null): boolean {
  return store.sql.stmt(SET_PID).run(pid, runId).changes === 1;
}

/** Active runs whose last heartbeat (else start, else creation) is older than `olderThan` (ms). */
export function findStaleRuns(store: Store, olderThan: number): RunRecord[] {
  return (store.sql.stmt(STALE).all(olderThan) as RunRow[]).map(toRun);
}
