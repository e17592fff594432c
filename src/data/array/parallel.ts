/**
 * @module Plans on worker threads. Reductions read by other ops (a climatology under an anomaly) are computed
 * first, whole, and enter the plan as values; then the root's blocks are shared among the pool's workers, at
 * most two in flight each. Workers read a local folder's chunks themselves and ask this thread for any other
 * store's bytes by key (Icechunk sessions cannot cross threads). Group reductions of stored floats keep their
 * own streaming path (stream.ts) on the same pool.
 */
import type { Worker } from "node:worker_threads";
import type { AbsolutePath } from "zarrita";
import { chunkGrid } from "../dataset.ts";
import { ChunkError, where } from "../errors.ts";
import type { ReducerPool } from "../pool.ts";
import type { StreamOptions } from "../stream.ts";
import { type NumberBlock, copyBox, stridesOf } from "./blocks.ts";
import { createEvaluator, keptWhole } from "./evaluate.ts";
import { type PlanNode, type Region, sizeOf } from "./plan.ts";
import { streamable } from "./stream-fast.ts";
import type { FromArrayWorker, ToArrayWorker } from "./worker-body.ts";
import { type Wired, toWire } from "./wire.ts";

export interface ParallelOptions {
  pool: ReducerPool;
  /** Workers to use (default: the pool's size). */
  workers?: number | undefined;
}

const blockRegion = (plan: PlanNode, coords: readonly number[]): Region => {
  const start = coords.map((c, i) => c * plan.chunks[i]!);
  return { start, shape: start.map((s, i) => Math.min(plan.chunks[i]!, plan.shape[i]! - s)) };
};

/** A node replaced by its computed values (same dims, shape, dtype). */
const valuesNode = (n: PlanNode, values: Float64Array): PlanNode => ({
  ...n,
  op: "source",
  inputs: [],
  params: { variable: { name: n.op, dims: n.dims, shape: n.shape, dtype: "float64", attrs: {}, encoding: { missing: [] }, values } },
});

/** The plan with every kept inner node computed (bottom-up), so blocks on workers only stream. */
async function materialise(root: PlanNode, options: ParallelOptions): Promise<PlanNode> {
  const done = new Map<PlanNode, Promise<PlanNode>>();
  const visit = (n: PlanNode, isRoot: boolean): Promise<PlanNode> => {
    let out = done.get(n);
    if (!out) {
      out = (async () => {
        const inputs = await Promise.all(n.inputs.map((i) => visit(i, false)));
        const rebuilt = inputs.every((x, k) => x === n.inputs[k]) ? n : { ...n, inputs };
        if (isRoot || !keptWhole(n)) return rebuilt;
        return valuesNode(n, await computeParallel(rebuilt, options));
      })();
      done.set(n, out);
    }
    return out;
  };
  return visit(root, true);
}

const streamOf = (options: ParallelOptions): StreamOptions => ({ pool: options.pool, workers: options.workers });

/**
 * Answers a worker's request for chunk bytes from the stored variable's own store; a chunk a local repository
 * holds in a file goes as its range instead, and the worker reads it into its own reused buffer.
 */
function serveBytes(worker: Worker, wired: Wired, m: Extract<FromArrayWorker, { type: "need" }>): void {
  const store = wired.stored[m.id]!.lazy!.array.store;
  const answer = async (): Promise<void> => {
    const at = store.inner.locate ? await store.inner.locate(m.key).catch(() => undefined) : undefined;
    if (at && "path" in at) {
      worker.postMessage({ type: "bytes", rid: m.rid, bytes: null, located: { file: at.path, offset: at.offset, length: at.length } } satisfies ToArrayWorker);
      return;
    }
    const got = at ? at.bytes : await store.get(`/${m.key}` as AbsolutePath);
    const bytes = got ? got.slice() : null;
    worker.postMessage({ type: "bytes", rid: m.rid, bytes } satisfies ToArrayWorker, bytes ? [bytes.buffer as ArrayBuffer] : []);
  };
  answer().catch((error: Error) => worker.postMessage({ type: "bytes", rid: m.rid, bytes: null, error: error.message } satisfies ToArrayWorker));
}

/** Runs blocks on one worker from a shared queue, two in flight; resolves when the queue is empty. */
function drive(worker: Worker, wired: Wired, queue: { regions: Region[]; next: number }, onBlock: (r: Region, v: Float64Array) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const pending = new Map<number, Region>();
    let failed = false;
    const finish = (error?: Error) => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      if (error) reject(error);
      else resolve();
    };
    const pump = () => {
      while (!failed && pending.size < 2 && queue.next < queue.regions.length) {
        const id = queue.next++;
        const region = queue.regions[id]!;
        pending.set(id, region);
        worker.postMessage({ type: "block", id, plan: wired.plan, region } satisfies ToArrayWorker);
      }
      if (pending.size === 0) finish();
    };
    const onError = (error: Error) => {
      failed = true;
      finish(error);
    };
    const onMessage = (m: FromArrayWorker | { type: string }) => {
      if (m.type === "need") serveBytes(worker, wired, m as Extract<FromArrayWorker, { type: "need" }>);
      else if (m.type === "block-done") {
        const { id, values } = m as Extract<FromArrayWorker, { type: "block-done" }>;
        onBlock(pending.get(id)!, values);
        pending.delete(id);
        pump();
      } else if (m.type === "block-error") {
        const { message, key } = m as Extract<FromArrayWorker, { type: "block-error" }>;
        failed = true;
        queue.next = queue.regions.length; // the other workers stop taking blocks
        finish(key ? new ChunkError(`${where({ key })}: ${message}`, { key }) : new Error(message));
      }
    };
    worker.on("message", onMessage);
    worker.once("error", onError);
    pump();
  });
}

/**
 * Evaluates `plan` into float64 values in C order, its blocks spread over the pool's workers.
 * @example
 * await using pool = createReducerPool();
 * const values = await computeParallel(anomaly.mean(["lat", "lon"]).plan, { pool });
 */
export async function computeParallel(plan: PlanNode, options: ParallelOptions): Promise<Float64Array>;
export async function computeParallel<T extends NumberBlock>(plan: PlanNode, options: ParallelOptions, out: T): Promise<T>;
export async function computeParallel(plan: PlanNode, options: ParallelOptions, out: NumberBlock = new Float64Array(sizeOf(plan.shape))): Promise<NumberBlock> {
  const zero = plan.shape.map(() => 0);
  const regions = [...chunkGrid(plan.shape, plan.chunks)].map((c) => blockRegion(plan, c));
  const put = (region: Region, values: Float64Array) => copyBox(values, stridesOf(region.shape), zero, out, plan.shape, region.start, region.shape);
  const ready = streamable(plan) ? undefined : await materialise(plan, options);
  const wired = ready && toWire(ready);
  if (!wired) {
    // Group reductions of stored floats stream on the pool themselves; generated sources stay on this thread.
    const ev = createEvaluator({ stream: streamOf(options) });
    for (const region of regions) put(region, await ev.evaluate(ready ?? plan, region));
    return out;
  }
  const count = Math.max(1, Math.min(options.workers ?? options.pool.size, regions.length));
  const workers = await options.pool.acquire(count);
  let ok = false;
  try {
    const queue = { regions, next: 0 };
    await Promise.all(workers.map((w) => drive(w, wired, queue, put)));
    ok = true;
  } finally {
    if (ok) options.pool.release(workers);
    else for (const w of workers) options.pool.discard(w);
  }
  return out;
}

/**
 * One block at a time on a worker (what a write asks for, chunk by chunk); the kept parts of the plan are
 * computed once, on first use.
 */
export function blockRunner(plan: PlanNode, options: ParallelOptions): (region: Region) => Promise<Float64Array> {
  let prepared: Promise<Wired | undefined> | undefined;
  const local = createEvaluator({ stream: streamOf(options) });
  // A writer may ask for several chunks at once: at most one block per worker of the pool runs at a time.
  const limit = Math.max(1, options.workers ?? options.pool.size);
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (region) => {
    prepared ??= streamable(plan) ? Promise.resolve(undefined) : materialise(plan, options).then(toWire);
    const wired = await prepared;
    if (!wired) return local.evaluate(plan, region);
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      const [worker] = await options.pool.acquire(1);
      let result: Float64Array | undefined;
      try {
        await drive(worker!, wired, { regions: [region], next: 0 }, (_, v) => (result = v));
        options.pool.release([worker!]);
      } catch (error) {
        options.pool.discard(worker!);
        throw error;
      }
      return result!;
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
