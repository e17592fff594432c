/**
 * @module `createStoreSink`: the engine's in-process RunEventSink. Buffers events and writes them with
 * `applyRunEvents` in batches: once per `setImmediate` tick, or at once when the buffer reaches `maxBatch`.
 * Batches are written one after another, in order. While the database cannot be reached (server restarting,
 * network cut) the batches are kept and tried again, in order, until it is back; what is kept is bounded
 * (`maxPending`): past it, log lines are dropped and counted, state transitions are always kept.
 */
import type { RunEvent, RunEventSink } from "../core/events.ts";
import { isConnectionLost } from "./errors.ts";
import { applyRunEvents, type RejectedEvent } from "./events-apply.ts";
import type { Db } from "./sql.ts";

export interface StoreSinkOptions {
  /** Start a write once this many events are buffered (default 2,000). */
  maxBatch?: number;
  /** Called with the events a batch rejected (e.g. a transition from a state the row is no longer in). */
  onRejected?: (rejected: readonly RejectedEvent[]) => void;
  /**
   * The fences this writer holds per run (its claims): each batch is written with the fences held when it was formed
   * (`applyRunEvents`), so a batch kept through an outage is still refused if another node took the run meanwhile.
   */
  fences?: () => ReadonlyMap<string, number> | undefined;
  /** Events kept while the database is unreachable (default 100,000); past it, log lines are dropped. */
  maxPending?: number;
  /** First wait before trying an unreachable database again (default 250 ms, doubling up to 4 s). */
  retryMs?: number;
  /** Told once per outage, when a write first fails for want of a connection. */
  onUnavailable?: (cause: unknown) => void;
  /** Told when the database answers again after an outage, with the log lines dropped meanwhile. */
  onRestored?: (outage: { downMs: number; droppedLogs: number }) => void;
  /** This node's id, recorded on the runs and tasks its batches start (`ApplyOptions.node`). */
  node?: string | undefined;
}

export interface StoreSink extends RunEventSink {
  /** Counters since creation. */
  readonly stats: { written: number; rejected: number; batches: number; droppedLogs: number };
  /** Events not written yet (buffered, or kept while the database is unreachable). */
  readonly pending: number;
  /** Writes what is buffered and stops retrying: a `flush` then fails if the database is still unreachable. */
  [Symbol.dispose](): void;
}

/**
 * @example
 * const sink = createStoreSink(store);
 * sink.emit({ type: "run:transition", runId, from: "Pending", to: "Running", at: Date.now() });
 * await sink.flush();
 */
interface Batch {
  events: RunEvent[];
  fences: ReadonlyMap<string, number> | undefined;
}

export function createStoreSink(store: Db, opts: StoreSinkOptions = {}): StoreSink {
  const maxBatch = Math.max(1, opts.maxBatch ?? 2000);
  const maxPending = Math.max(maxBatch, opts.maxPending ?? 100_000);
  const retryMs = Math.max(1, opts.retryMs ?? 250);
  let buffer: RunEvent[] = [];
  let tick: NodeJS.Immediate | undefined;
  // A write failure (e.g. disk full) is kept and surfaced by the next flush(), since emit() cannot throw usefully.
  let failure: unknown;
  /** Batches not written yet, oldest first; the first is the one being written. */
  const queue: Batch[] = [];
  let queued = 0;
  /** The writer, while it has batches. */
  let writer: Promise<void> | undefined;
  let outage: { since: number; droppedLogs: number } | undefined;
  let closed = false;
  let wake: (() => void) | undefined;
  const stats = { written: 0, rejected: 0, batches: 0, droppedLogs: 0 };
  /** The held fences of the batch's runs (undefined when none: unchecked writes, one node). */
  const fencesOf = (events: readonly RunEvent[]): ReadonlyMap<string, number> | undefined => {
    const held = opts.fences?.();
    if (!held || held.size === 0) return undefined;
    const mine = new Map<string, number>();
    for (const e of events) {
      const fence = held.get(e.runId);
      if (fence !== undefined) mine.set(e.runId, fence);
    }
    return mine.size > 0 ? mine : undefined;
  };

  /** Over the bound: drop the log lines of the waiting batches (not the one in flight), oldest first. */
  const trim = (): void => {
    for (let i = 1; i < queue.length && queued > maxPending; i++) {
      const kept = queue[i]!.events.filter((e) => e.type !== "log:line");
      const dropped = queue[i]!.events.length - kept.length;
      queue[i]!.events = kept;
      queued -= dropped;
      stats.droppedLogs += dropped;
      if (outage) outage.droppedLogs += dropped;
    }
  };

  const drain = async (): Promise<void> => {
    let wait = retryMs;
    while (queue.length > 0) {
      const batch = queue[0]!;
      try {
        const result = await applyRunEvents(store, batch.events, { fences: batch.fences, node: opts.node });
        stats.batches++;
        stats.written += result.applied;
        stats.rejected += result.rejected.length;
        if (result.rejected.length > 0) opts.onRejected?.(result.rejected);
        if (outage) {
          opts.onRestored?.({ downMs: Date.now() - outage.since, droppedLogs: outage.droppedLogs });
          outage = undefined;
          wait = retryMs;
        }
      } catch (cause) {
        if (!closed && isConnectionLost(cause)) {
          if (!outage) {
            outage = { since: Date.now(), droppedLogs: 0 };
            opts.onUnavailable?.(cause);
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, wait).unref();
          });
          wake = undefined;
          wait = Math.min(wait * 2, 4_000);
          continue; // the same batch again: order is kept
        }
        failure ??= cause;
      }
      queue.shift();
      queued -= batch.events.length;
    }
  };

  const write = (): void => {
    if (tick !== undefined) {
      clearImmediate(tick);
      tick = undefined;
    }
    if (buffer.length > 0) {
      queue.push({ events: buffer, fences: fencesOf(buffer) });
      queued += buffer.length;
      buffer = [];
      if (queued > maxPending) trim();
    }
    if (queue.length > 0) writer ??= drain().finally(() => (writer = undefined));
  };

  return {
    stats,
    get pending() {
      return queued + buffer.length;
    },
    emit(event) {
      buffer.push(event);
      if (buffer.length >= maxBatch) write();
      else tick ??= setImmediate(write);
    },
    async flush() {
      write();
      while (writer) await writer;
      if (failure !== undefined) {
        const cause = failure;
        failure = undefined;
        throw cause;
      }
    },
    [Symbol.dispose]() {
      closed = true;
      write();
      wake?.();
    },
  };
}
