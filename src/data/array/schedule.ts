/**
 * @module The chunk scheduler: cuts a plan's output into blocks along its `chunks` and evaluates them, a few
 * at a time, into one array (`computePlan`) or one block per request (`planVariable`, which `writeDataset`
 * streams chunk by chunk). The one place that decides what runs when.
 */
import type * as zarr from "zarrita";
import { type Variable, chunkGrid } from "../dataset.ts";
import type { Json } from "../metadata.ts";
import { type NumberBlock, copyBox, stridesOf } from "./blocks.ts";
import { type TypedValues, allocate, isFloat, toTyped } from "./dtypes.ts";
import { type ReducerPool, createReducerPool } from "../pool.ts";
import type { StreamOptions } from "../stream.ts";
import { blockRunner, computeParallel } from "./parallel.ts";
import { createEvaluator } from "./evaluate.ts";
import { rowWise } from "./fused-map.ts";
import type { ChunkReader, Evaluator } from "./evaluator.ts";
import { type PlanNode, type Region, sizeOf } from "./plan.ts";

export interface ComputeOptions {
  /** Blocks evaluated at once (default 2: one computes while the next one's chunks are read). */
  concurrency?: number | undefined;
  /** Where stored chunks come from (default: zarrita on this thread). */
  reader?: ChunkReader | undefined;
  /** Worker pool (or count) and read-ahead for group reductions of stored variables (stream.ts). */
  stream?: StreamOptions | undefined;
  /**
   * Worker threads: blocks are evaluated on the pool's workers (parallel.ts). Without a pool, `workers > 0`
   * starts a temporary one; with neither, everything runs on this thread.
   */
  pool?: ReducerPool | undefined;
  workers?: number | undefined;
}

/** The region of output block `coords` (edge blocks are cut to the shape). */
export function blockRegion(plan: PlanNode, coords: readonly number[]): Region {
  const start = coords.map((c, i) => c * plan.chunks[i]!);
  return { start, shape: start.map((s, i) => Math.min(plan.chunks[i]!, plan.shape[i]! - s)) };
}

/** Runs `work` over items, at most `limit` at a time, in order of start. */
async function pooled<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}

/**
 * Evaluates a whole plan into float64 values in C order, block by block.
 * @example
 * const values = await computePlan(da.mean(["lat", "lon"]).plan);
 */
export function computePlan(plan: PlanNode, options: ComputeOptions = {}): Promise<Float64Array> {
  return computeInto(plan, options, new Float64Array(sizeOf(plan.shape)));
}

/** Evaluates `plan` block by block into `out` (C order, any number array: each block is converted as it lands). */
async function computeInto<T extends NumberBlock>(plan: PlanNode, options: ComputeOptions, out: T): Promise<T> {
  if (options.pool) return computeParallel(plan, { pool: options.pool, workers: options.workers }, out);
  if ((options.workers ?? 0) > 0) {
    await using pool = createReducerPool(options.workers);
    // Awaited here: returning the bare promise would dispose of the pool while blocks are still running.
    return await computeParallel(plan, { pool, workers: options.workers }, out);
  }
  const ev = createEvaluator({ reader: options.reader, stream: options.stream });
  const zero = plan.shape.map(() => 0);
  const blocks = [...chunkGrid(plan.shape, plan.chunks)];
  await pooled(blocks, options.concurrency ?? 2, async (coords) => {
    const region = blockRegion(plan, coords);
    if (await rowsInto(plan, region, ev, out)) return;
    const block = await ev.evaluate(plan, region);
    copyBox(block, stridesOf(region.shape), zero, out, plan.shape, region.start, region.shape);
    ev.blocks.give(block);
  });
  return out;
}

/**
 * Writes a root computed row by row (group arithmetic, a chain of arithmetic, a rolling window: `rowWise`) straight
 * into the result through a row buffer in cache, when the region is one run of the result (whole along every
 * axis but the first): no block is written and copied again. False when that does not apply.
 */
async function rowsInto(plan: PlanNode, region: Region, ev: Evaluator, out: NumberBlock): Promise<boolean> {
  if (!(out instanceof Float32Array || out instanceof Float64Array) || !region.shape.every((n, i) => i === 0 || n === plan.shape[i])) return false;
  const rows = await rowWise(plan, region, ev);
  if (!rows) return false;
  const at = plan.shape.length === 0 ? 0 : region.start[0]! * sizeOf(plan.shape.slice(1)); // a scalar root: its one value
  const row = out instanceof Float64Array ? undefined : new Float64Array(rows.inner);
  try {
    for (let r = 0; r < rows.rows; r++) {
      const to = at + r * rows.inner;
      if (row) {
        rows.row(r, row);
        out.set(row, to); // float32 values already rounded: the store is exact
      } else rows.row(r, out.subarray(to, to + rows.inner) as Float64Array);
    }
  } finally {
    rows.release();
  }
  return true;
}

/** Evaluates one output block, padded to the full chunk shape as a stored chunk is (edge chunks). */
async function chunkOf(ev: Pick<Evaluator, "evaluate">, plan: PlanNode, coords: readonly number[]): Promise<zarr.Chunk<zarr.DataType>> {
  const region = blockRegion(plan, coords);
  const block = await ev.evaluate(plan, region);
  const full = region.shape.every((n, i) => n === plan.chunks[i]) ? block : new Float64Array(sizeOf(plan.chunks)).fill(isFloat(plan.dtype) ? NaN : 0);
  if (full !== block) copyBox(block, stridesOf(region.shape), region.shape.map(() => 0), full, plan.chunks, region.shape.map(() => 0), region.shape);
  const data = plan.dtype === "bool" ? toTyped("uint8", full) : toTyped(plan.dtype, full);
  return { data, shape: [...plan.chunks], stride: stridesOf(plan.chunks) } as unknown as zarr.Chunk<zarr.DataType>;
}

/**
 * A lazy plan as a `Variable` whose chunks are computed when read: `writeDataset` streams it chunk by chunk.
 * @example
 * await writeDataset(target, "out", { ...ds, variables: { temp: planVariable("temp", anomaly.plan, {}) } });
 */
export function planVariable(name: string, plan: PlanNode, attrs: Json, fillValue?: number, options: ComputeOptions = {}): Variable {
  const run = options.pool && blockRunner(plan, { pool: options.pool, workers: options.workers });
  const ev = run ? { evaluate: (_: PlanNode, region: Region) => run(region) } : createEvaluator({ reader: options.reader, stream: options.stream });
  const fill = fillValue ?? (isFloat(plan.dtype) ? NaN : undefined);
  return {
    name,
    dims: plan.dims,
    shape: plan.shape,
    dtype: plan.dtype, // float16 values are held as float32; writes store them as float16
    attrs,
    encoding: { chunks: plan.chunks, missing: [], ...(fill === undefined ? {} : { fillValue: fill }) },
    generated: { chunks: plan.chunks, read: (coords) => chunkOf(ev, plan, coords) },
  };
}

/** Values of a plan in its dtype's typed array (float16 held as float32). */
export async function computeValues(plan: PlanNode, options: ComputeOptions = {}): Promise<TypedValues> {
  const dtype = plan.dtype === "bool" ? "uint8" : plan.dtype;
  const out = allocate(dtype, sizeOf(plan.shape));
  // Blocks land in the result's own dtype (no whole float64 copy); 64-bit integers go through float64.
  if (out instanceof BigInt64Array || out instanceof BigUint64Array) return toTyped(dtype, await computePlan(plan, options));
  return computeInto(plan, options, out);
}

