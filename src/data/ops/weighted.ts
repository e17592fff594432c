/**
 * @module `da.weighted(weights).mean/sum/std/var(dims)` with xarray's rules (weighted.py): weights are aligned
 * and broadcast by dimension name, may not be NaN (an error, as xarray), and masked values count neither in the
 * weighted sum nor in the sum of weights, so an area-weighted mean over a land mask renormalises. One pass over
 * blocks of the reduced axes; the result is float64 (xarray's `dot` with float64 weights).
 */
import { align, broadcastTo, mergeCoords, unionDims } from "../array/align.ts";
import { stridesOf } from "../array/blocks.ts";
import type { Coordinate } from "../array/coords.ts";
import type { DataArray } from "../array/data-array.ts";
import type { Evaluator, OpEvaluator } from "../array/evaluator.ts";
import { type LayoutParams, type PlanNode, type Region, node, sizeOf } from "../array/plan.ts";
import { InvalidOperationError } from "../errors.ts";
import { type RowWise, rowWise } from "../array/fused-map.ts";
import { type WeightedAccumulator, newWeightedAccumulator, weightedFinish, weightedFold } from "./weighted-kernel.mjs";

export const WEIGHTED_OPS = ["mean", "sum", "std", "var", "sum_of_weights"] as const;
export type WeightedOp = (typeof WEIGHTED_OPS)[number];

interface WeightedParams {
  readonly fn: WeightedOp;
  readonly axes: readonly number[];
}

export class Weighted {
  /**
   * @example
   * const w = da.coord("lat").deg2rad().cos();
   * const globalMean = da.weighted(w).mean(["lat", "lon"]);
   */
  constructor(
    readonly array: DataArray,
    readonly weights: DataArray,
  ) {}

  reduce(fn: WeightedOp, dims?: string | readonly string[]): DataArray {
    const [a, w] = align([this.array, this.weights], "inner");
    const { dims: all, shape } = unionDims([a!, w!]);
    const list = dims === undefined ? all : typeof dims === "string" ? [dims] : [...dims];
    for (const d of list) {
      if (!all.includes(d)) throw new InvalidOperationError(`weighted: no dimension "${d}" (dimensions: ${all.join(", ")})`, { attribute: d });
    }
    const data = broadcastTo(a!.plan, all, shape);
    const weights = broadcastTo(w!.plan, all, shape);
    const keep = all.filter((d) => !list.includes(d));
    const axes = list.map((d) => all.indexOf(d));
    const plan = node("weighted", [data, weights], { fn, axes } satisfies WeightedParams, {
      dims: keep,
      shape: keep.map((d) => shape[all.indexOf(d)]!),
      dtype: "float64",
      chunks: keep.map((d) => data.chunks[all.indexOf(d)]!),
    });
    const coords: Record<string, Coordinate> = {};
    for (const [n, c] of Object.entries(mergeCoords([a!, w!]))) if (!c.dims.some((d) => list.includes(d))) coords[n] = c;
    return this.array.with({ plan, coords, attrs: {} });
  }
  mean = (dims?: string | readonly string[]): DataArray => this.reduce("mean", dims);
  sum = (dims?: string | readonly string[]): DataArray => this.reduce("sum", dims);
  std = (dims?: string | readonly string[]): DataArray => this.reduce("std", dims);
  var = (dims?: string | readonly string[]): DataArray => this.reduce("var", dims);
  /** Σ weights where the data is valid (NaN where that is 0), as xarray's `sum_of_weights`. */
  sumOfWeights = (dims?: string | readonly string[]): DataArray => this.reduce("sum_of_weights", dims);
}

/**
 * The weights of a block with their stride per block axis: weights broadcast over the data (a `layout` of
 * cos(lat)) are read unbroadcast, stride 0 along the axes they do not have, instead of spread over the block.
 */
async function weightsOf(weights: PlanNode, region: Region, ev: Evaluator): Promise<[Float64Array, number[]]> {
  if (weights.op !== "layout") return [await ev.evaluate(weights, region), stridesOf(region.shape)];
  const { axes } = weights.params as LayoutParams;
  const box: Region = { start: axes.map((a) => region.start[a]!), shape: axes.map((a) => region.shape[a]!) };
  const inStride = stridesOf(box.shape);
  return [await ev.evaluate(weights.inputs[0]!, box), region.shape.map((_, a) => (axes.includes(a) ? inStride[axes.indexOf(a)]! : 0))];
}

/** The data's block, or its rows one at a time when it is group arithmetic or a chain of it (`rowWise`). */
async function blockOrRows(data: PlanNode, region: Region, ev: Evaluator): Promise<Float64Array | RowWise> {
  return (await rowWise(data, region, ev)) ?? (await ev.evaluate(data, region));
}

/**
 * Folds a group-arithmetic block row by row (an anomaly under its global mean): each row is computed into a
 * small buffer and folded at once, so the block itself is never written. Same additions in the same order.
 */
function foldRows(acc: WeightedAccumulator, rows: RowWise, w: Float64Array, shape: readonly number[], outStride: readonly number[], wStride: readonly number[]): void {
  // The rows' axis is the last one whose trailing size is `inner`: rows walk the axes up to it.
  let axis = shape.length;
  for (let size = 1; size < rows.inner; ) size *= shape[--axis]!;
  const lead = shape.slice(0, axis);
  const sub = shape.slice(axis);
  const subOut = outStride.slice(axis);
  const subW = wStride.slice(axis);
  const row = new Float64Array(rows.inner);
  for (let r = 0; r < rows.rows; r++) {
    let out = 0;
    let wAt = 0;
    for (let a = lead.length - 1, rest = r; a >= 0; a--) {
      const i = rest % lead[a]!;
      rest = (rest - i) / lead[a]!;
      out += i * outStride[a]!;
      wAt += i * wStride[a]!;
    }
    rows.row(r, row);
    weightedFold(acc, row, w.subarray(wAt), sub, subOut, out, subW);
  }
  rows.release();
}

export const weightedEvaluator: OpEvaluator = async (plan, region, ev) => {
  const [data, weights] = plan.inputs as [typeof plan, typeof plan];
  const { fn, axes } = plan.params as WeightedParams;
  const reduced = new Set(axes);
  const acc = newWeightedAccumulator(sizeOf(region.shape), fn === "std" || fn === "var");
  const outStride = stridesOf(region.shape);
  let k = 0;
  const strideOfAxis = data.shape.map((_, a) => (reduced.has(a) ? 0 : outStride[k++]!));
  const steps = data.shape.map((n, a) => (reduced.has(a) ? Math.ceil(n / data.chunks[a]!) : 1));
  const block = data.shape.map(() => 0);
  for (;;) {
    let o = 0;
    const start = data.shape.map((_, a) => (reduced.has(a) ? block[a]! * data.chunks[a]! : region.start[o++]!));
    o = 0;
    const shape = data.shape.map((n, a) => (reduced.has(a) ? Math.min(data.chunks[a]!, n - start[a]!) : region.shape[o++]!));
    if (shape.every((n) => n > 0)) {
      const [x, [w, wStride]] = await Promise.all([blockOrRows(data, { start, shape }, ev), weightsOf(weights, { start, shape }, ev)]);
      for (let i = 0; i < w.length; i++) {
        if (w[i] !== w[i]) {
          throw new InvalidOperationError("weighted: `weights` cannot contain missing values; replace them with `weights.fillna(0)`", {});
        }
      }
      if (x instanceof Float64Array) {
        weightedFold(acc, x, w, shape, strideOfAxis, 0, wStride);
        ev.blocks.give(x);
      } else foldRows(acc, x, w, shape, strideOfAxis, wStride);
      ev.blocks.give(w);
    }
    let axis = data.shape.length - 1;
    while (axis >= 0 && ++block[axis]! >= steps[axis]!) block[axis--] = 0;
    if (axis < 0) break;
  }
  const out = new Float64Array(sizeOf(region.shape));
  weightedFinish(fn, acc, out);
  return out;
};
