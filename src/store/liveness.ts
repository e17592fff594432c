/** @module Run liveness: heartbeats and pids from run processes, and finding runs whose process went quiet. */
import type { Db } from "./sql.ts";
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
export async function heartbeat(store: Db, runIds: readonly string[], at: number): Promise<number> {
  return store.sql.tx(async (sql) => {
    let n = 0;
    for (const id of runIds) n += await sql.run(HEARTBEAT, [at, id]);
    return n;
  });
}

/** Records (or clears, with null) the pid of the process executing a run. */
export async function setRunPid(store: Db, runId: string, pid: number | null): Promise<boolean> {
  return (await store.sql.run(SET_PID, [pid, runId])) === 1;
}

/** Active runs whose last heartbeat (else start, else creation) is older than `olderThan` (ms). */
export async function findStaleRuns(store: Db, olderThan: number): Promise<RunRecord[]> {
  return ((await store.sql.all(STALE, [olderThan])) as RunRow[]).map(toRun);
}
