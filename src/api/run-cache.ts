/**
 * @module Response cache for ended runs. A terminal run never changes state again, so dashboards polling finished
 * runs get the serialized body from memory. Anything that still touches an ended run (e.g. a crash finalizer
 * closing its tasks) appends an event: a live event for the run evicts it at once, and each entry is re-checked
 * against the store ("any event after seq?", one indexed read) at most every `revalidateMs`, for writers that
 * bypass the daemon's bus. Active runs are never cached.
 */
import type { Clock } from "../core/clock.ts";
import { isTerminalRunState } from "../core/states.ts";
import { getRunEvents, getRunSnapshots, type RunDetail, type Store } from "../store/index.ts";
import { presentRunDetail } from "./present.ts";
import { safeJson } from "./route.ts";
import { mustGetRun } from "./routes/run-read.ts";

interface Entry {
  text: string;
  /** Last event seq of the run when the body was built. */
  seq: number;
  checkedAt: number;
}

export interface RunDetailCache {
  /** The JSON text of the run's detail; NotFoundError for an unknown id. */
  get(runId: string): string;
  /** Forgets a run (called on its live events). */
  evict(runId: string): void;
}

export interface RunDetailCacheOptions {
  maxEntries?: number;
  revalidateMs?: number;
}

export function createRunDetailCache(store: Store, clock: Clock, opts: RunDetailCacheOptions = {}): RunDetailCache {
  const { maxEntries = 1000, revalidateMs = 250 } = opts;
  const entries = new Map<string, Entry>();
  const build = (run: RunDetail): string => {
    const { commits, reads } = getRunSnapshots(store, run.id);
    return safeJson(presentRunDetail(run, commits, reads));
  };
  const fresh = (runId: string, e: Entry): boolean => {
    const now = clock.now();
    if (now - e.checkedAt < revalidateMs) return true;
    if (getRunEvents(store, runId, { afterSeq: e.seq, limit: 1 }).length > 0) return false;
    e.checkedAt = now;
    return true;
  };
  return {
    get(runId) {
      const hit = entries.get(runId);
      if (hit && fresh(runId, hit)) return hit.text;
      entries.delete(runId);
      let run = mustGetRun(store, runId);
      if (!isTerminalRunState(run.state)) return build(run);
      // Ended: take the seq, then re-read, so a change in between shows up as a newer event on the next check.
      const seq = getRunEvents(store, runId).at(-1)?.seq ?? 0;
      run = mustGetRun(store, runId);
      const text = build(run);
      entries.set(runId, { text, seq, checkedAt: clock.now() });
      // Insertion order approximates age; the oldest entry goes first.
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
      return text;
    },
    evict: (runId) => void entries.delete(runId),
  };
}
