/**
 * @module Response cache for run details, ended and active alike. Every write that changes a run's detail bumps
 * the run's `change_count` in the same transaction, so a request re-validates its entry with one primary-key read
 * and rebuilds only when the run changed: fresh for every writer (the daemon, run processes, the CLI), and cheap
 * while a run is being written. An ended run hardly ever changes again (a crash finalizer closing its tasks): its
 * entry is re-checked at most every `revalidateMs`, and a live event for it evicts it at once. Bounded by entry
 * count and by bytes.
 */
import type { Clock } from "../core/clock.ts";
import { NotFoundError } from "../core/errors.ts";
import { isTerminalRunState } from "../core/states.ts";
import { getRunChangeCount, listChildRuns, type Store } from "../store/index.ts";
import { presentRunDetail } from "./present.ts";
import { runLineage } from "./run-lineage.ts";
import { safeJson } from "./route.ts";
import { mustGetRun } from "./routes/run-read.ts";

interface Entry {
  text: string;
  /** The run's change_count read before the body was built. */
  count: number;
  ended: boolean;
  checkedAt: number;
}

export interface RunDetailCache {
  /** The JSON text of the run's detail; NotFoundError for an unknown id. */
  get(runId: string): Promise<string>;
  /** Forgets a run (called on its live events). */
  evict(runId: string): void;
}

export interface RunDetailCacheOptions {
  maxEntries?: number;
  /** How long an ended run's entry is served without a re-check (ms), default 250. */
  revalidateMs?: number;
  /** Total size of the cached bodies (UTF-16 code units), default 32 Mi. */
  maxChars?: number;
}

export function createRunDetailCache(store: Store, clock: Clock, opts: RunDetailCacheOptions = {}): RunDetailCache {
  const { maxEntries = 1000, revalidateMs = 250, maxChars = 32 * 1024 * 1024 } = opts;
  const entries = new Map<string, Entry>();
  let chars = 0;
  const drop = (runId: string): void => {
    const e = entries.get(runId);
    if (e === undefined) return;
    chars -= e.text.length;
    entries.delete(runId);
  };
  const build = async (runId: string): Promise<{ text: string; ended: boolean }> => {
    const run = await mustGetRun(store, runId);
    const children = await listChildRuns(store, run.id);
    // a waited-on child ends before its parent's task does, so the parent's change count covers its lineage
    const { commits, reads } = await runLineage(store, run.id, children);
    return { text: safeJson(presentRunDetail(run, commits, reads, children)), ended: isTerminalRunState(run.state) };
  };
  return {
    async get(runId) {
      const hit = entries.get(runId);
      const now = clock.now();
      if (hit !== undefined && hit.ended && now - hit.checkedAt < revalidateMs) return hit.text;
      const count = await getRunChangeCount(store, runId);
      if (count === undefined) {
        drop(runId);
        throw new NotFoundError("run", runId);
      }
      if (hit !== undefined && hit.count === count) {
        hit.checkedAt = now;
        return hit.text;
      }
      drop(runId);
      // The count is read before the rows: a write in between only makes the entry look stale, never fresh.
      const { text, ended } = await build(runId);
      entries.set(runId, { text, count, ended, checkedAt: now });
      chars += text.length;
      // Insertion order approximates age; the oldest entries go first.
      while (entries.size > maxEntries || (chars > maxChars && entries.size > 1)) drop(entries.keys().next().value!);
      return text;
    },
    evict: drop,
  };
}
