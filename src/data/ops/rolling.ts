/**
 * @module `da.rolling({ time: 7 }, { center: true, minPeriods })`: moving-window reductions with xarray's rules
 * (rolling.py): the window of step t is [t - left, t - left + window) with left = window - 1, or window / 2
 * (rounded down) when centred; NaN skipped (median: of the valid values); fewer than `minPeriods` valid values (default: the window) give NaN.
 * Each block reads its rows plus the halo rows the windows reach into, so a chain streams chunk by chunk.
 */
import type { DataArray } from "../array/data-array.ts";
import type { DType } from "../array/dtypes.ts";
import { castValue, isFloat } from "../array/dtypes.ts";
import type { OpEvaluator } from "../array/evaluator.ts";
import { node, sizeOf } from "../array/plan.ts";
import { InvalidOperationError } from "../errors.ts";
import { pinRows } from "./row-pieces.ts";
import { type RollingParams, haloOf } from "./rolling-rows.ts";
import { type RollingOp, rollingRows } from "./window-kernels.mjs";

export interface RollingOptions {
  center?: boolean | undefined;
  /** Valid values a window needs (default: the window size, as xarray). */
  minPeriods?: number | undefined;
}

export class Rolling {
  readonly dim: string;
  readonly window: number;
  readonly center: boolean;
  readonly minPeriods: number;

  /**
   * @example
   * const weekly = da.rolling({ time: 7 }, { center: true }).mean();
   */
  constructor(
    readonly array: DataArray,
    windows: Readonly<Record<string, number>>,
    options: RollingOptions = {},
  ) {
    const entries = Object.entries(windows);
    if (entries.length !== 1) throw new InvalidOperationError(`rolling: give one dimension and its window, e.g. { time: 7 } (got ${entries.length})`, {});
    const [dim, window] = entries[0]!;
    if (!array.dims.includes(dim)) throw new InvalidOperationError(`rolling: no dimension "${dim}" (dimensions: ${array.dims.join(", ")})`, { attribute: dim });
    if (!Number.isInteger(window) || window < 1) throw new InvalidOperationError(`rolling: window must be a positive integer, got ${window}`, { attribute: dim });
    const minPeriods = options.minPeriods ?? window;
    if (!Number.isInteger(minPeriods) || minPeriods < 1) throw new InvalidOperationError(`rolling: minPeriods must be a positive integer, got ${minPeriods}`, {});
    this.dim = dim;
    this.window = window;
    this.center = options.center ?? false;
    this.minPeriods = minPeriods;
  }

  reduce(fn: RollingOp): DataArray {
    const a = this.array;
    const axis = a.dims.indexOf(this.dim);
    const left = this.center ? Math.floor(this.window / 2) : this.window - 1;
    const dtype: DType = fn === "count" ? "float64" : isFloat(a.dtype) ? a.dtype : "float64";
    const params: RollingParams = { fn, axis, window: this.window, left, minPeriods: this.minPeriods };
    const plan = node("rolling", [a.plan], params, { ...a.plan, dtype });
    return a.with({ plan });
  }
  mean = (): DataArray => this.reduce("mean");
  sum = (): DataArray => this.reduce("sum");
  min = (): DataArray => this.reduce("min");
  max = (): DataArray => this.reduce("max");
  std = (): DataArray => this.reduce("std");
  var = (): DataArray => this.reduce("var");
  count = (): DataArray => this.reduce("count");
  median = (): DataArray => this.reduce("median");
}

export const rollingEvaluator: OpEvaluator = async (plan, region, ev) => {
  const input = plan.inputs[0]!;
  const { fn, axis, window, left, minPeriods } = plan.params as RollingParams;
  const { lo, hi, from, to } = haloOf(plan, region);
  const rows = await pinRows(ev, plan, input, axis, region, lo, hi);
  // Every element is written by the kernel, rounded to float32 there for a float32 result.
  const out = ev.blocks.take(sizeOf(region.shape));
  const layout = { outer: sizeOf(region.shape.slice(0, axis)), rows: hi - lo, inner: sizeOf(region.shape.slice(axis + 1)) };
  const d = plan.dtype;
  try {
    rollingRows(fn, rows.srcs, rows.bases, layout, from - lo, to - lo, window, left, minPeriods, out, d === "float32");
  } finally {
    rows.release();
  }
  if (d !== "float32" && d !== "float64") for (let i = 0; i < out.length; i++) out[i] = castValue(d, out[i]!);
  return out;
};
