/**
 * @module A small pool of worker threads, started once and reused: group reductions (stream.ts) and blocks of
 * lazy-array plans (array/parallel.ts) run on the same threads.
 * A disposable handle: `await using pool = createReducerPool()` or `await pool.close()`.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { workerEntry } from "./array/worker-build.ts";

export interface ReducerPool extends AsyncDisposable {
  readonly size: number;
  /** Borrow `n` workers (starting them on first use); they are returned with `release`. */
  acquire(n: number): Promise<Worker[]>;
  release(workers: readonly Worker[]): void;
  /** Replaces a worker that failed or was left in an unknown state. */
  discard(worker: Worker): void;
  close(): Promise<void>;
}

/** Starts a worker and waits until its module has loaded (so load errors surface here). */
function start(entry: URL): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry, { execArgv: [] });
    const onError = (error: unknown) => reject(error);
    worker.once("message", () => {
      worker.off("error", onError);
      resolve(worker);
    });
    worker.once("error", onError);
    worker.once("exit", (code) => reject(new Error(`reduction worker exited with code ${code} while starting`)));
  });
}

/**
 * Creates a pool of up to `size` workers (default: the machine's parallelism).
 * @example
 * await using pool = createReducerPool();
 * const result = await groupReduce(ds, { by: "season", pool });
 */
export function createReducerPool(size: number = availableParallelism()): ReducerPool {
  const idle: Worker[] = [];
  const all = new Set<Worker>();
  let closed = false;
  // One entry serves group reductions and lazy-array blocks (array/worker-entry.ts, built once).
  let entry: Promise<URL> | undefined;
  const pool: ReducerPool = {
    size: Math.max(1, size),
    async acquire(n) {
      if (closed) throw new Error("reducer pool is closed");
      const want = Math.max(1, Math.min(n, pool.size));
      const taken = idle.splice(0, want);
      const missing = want - taken.length;
      const url = missing > 0 ? await (entry ??= workerEntry()) : undefined;
      const started = await Promise.all(Array.from({ length: missing }, () => start(url!)));
      for (const w of started) all.add(w);
      return [...taken, ...started];
    },
    release(workers) {
      for (const w of workers) if (all.has(w)) (closed ? void w.terminate() : idle.push(w));
    },
    discard(worker) {
      all.delete(worker);
      void worker.terminate();
    },
    async close() {
      closed = true;
      idle.length = 0;
      await Promise.all([...all].map((w) => w.terminate()));
      all.clear();
    },
    [Symbol.asyncDispose]: () => pool.close(),
  };
  return pool;
}
