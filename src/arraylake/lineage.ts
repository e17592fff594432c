/**
 * @module The lineage hook: how a run learns which snapshots a task read and which commits it made.
 * Pass an observer to `new Client({ observer })` (or `client.withObserver(o)`); it is called after every
 * readonly session is opened and after every successful commit. The engine records these per task.
 *
 * @example
 * const client = new Client({ observer: {
 *   onRead: (e) => reads.push(e),      // { repo, branch?, tag?, snapshotId }
 *   onCommit: (e) => commits.push(e),  // { repo, branch, snapshotId, parentSnapshotId?, message }
 * } });
 */
import type { CommitEvent } from "./session.ts";
import type { RunTransaction } from "./transaction.ts";

export type { CommitEvent } from "./session.ts";

/** A readonly session was opened at `snapshotId` (reached through `branch`, `tag`, or directly). */
export interface ReadEvent {
  /** `org/name`, or the absolute path for a repository opened by path. */
  repo: string;
  branch?: string;
  tag?: string;
  snapshotId: string;
}

/**
 * Called synchronously or awaited (a returned promise is awaited before the session or snapshot id is
 * handed back). If `onCommit` throws, the commit has still happened: the error says so and carries the id.
 */
export interface LineageObserver {
  onRead?(event: ReadEvent): void | Promise<void>;
  onCommit?(event: CommitEvent): void | Promise<void>;
  /** For `commit: "on-success"` runs: writable sessions come from (and are committed by) this transaction. */
  transaction?: RunTransaction | undefined;
}
