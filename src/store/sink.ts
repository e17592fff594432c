/**
 * @module `createStoreSink`: the engine's in-process RunEventSink. Buffers events and writes them with
 * `applyRunEvents` in batches: once per `setImmediate` tick, or at once when the buffer reaches `maxBatch`.
 * Batches are written one after another, in order.
 */
import type { RunEvent, RunEventSink } from "../core/events.ts";
import { applyRunEvents, type RejectedEvent } from "./events-apply.ts";
import type { Db } from "./sql.ts";

export interface StoreSinkOptions {
  /** Start a write once this many events are buffered (default 2,000). */
  maxBatch?: number;
  /** Called with the events a batch rejected (e.g. a transition from a state the row is no longer in). */
  onRejected?: (rejected: readonly RejectedEvent[]) => void;
}

export interface StoreSink extends RunEventSink {
  /** Counters since creation. */
  readonly stats: { written: number; rejected: number; batches: number };
  /** Starts writing what is buffered and stops the tick timer (`flush` to wait for it). */
  [Symbol.dispose](): void;
}

/**
 * @example
 * const sink = createStoreSink(store);
 * sink.emit({ type: "run:transition", runId, from: "Pending", to: "Running", at: Date.now() });
 * await sink.flush();
 */
export function createStoreSink(store: Db, opts: StoreSinkOptions = {}): StoreSink {
  const maxBatch = Math.max(1, opts.maxBatch ?? 2000);
  let buffer: RunEvent[] = [];
  let tick: NodeJS.Immediate | undefined;
  // A write failure (e.g. disk full) is kept and surfaced by the next flush(), since emit() cannot throw usefully.
  let failure: unknown;
  // The batches in flight, chained so they apply in order.
  let writing: Promise<void> = Promise.resolve();
  const stats = { written: 0, rejected: 0, batches: 0 };

  const write = (): void => {
    if (tick !== undefined) {
      clearImmediate(tick);
      tick = undefined;
    }
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    writing = writing.then(
      () => applyRunEvents(store, batch).then((result) => {
        stats.batches++;
        stats.written += result.applied;
        stats.rejected += result.rejected.length;
        if (result.rejected.length > 0) opts.onRejected?.(result.rejected);
      }),
    ).catch((cause: unknown) => {
      failure ??= cause;
    });
  };

  return {
    stats,
    emit(event) {
      buffer.push(event);
      if (buffer.length >= maxBatch) write();
      else tick ??= setImmediate(write);
    },
    async flush() {
      write();
      await writing;
      if (failure !== undefined) {
        const cause = failure;
        failure = undefined;
        throw cause;
      }
    },
    [Symbol.dispose]: write,
  };
}
