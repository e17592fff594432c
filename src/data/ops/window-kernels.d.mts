/** @module Types of window-kernels.mjs: rolling windows, forward fill, NaN interpolation and 1-D linear interpolation. */

/** A block seen as [outer, rows, inner]: `rows` along the operation's axis. */
export interface Layout {
  outer: number;
  rows: number;
  inner: number;
}

export type RollingOp = "mean" | "sum" | "count" | "std" | "var" | "min" | "max" | "median";

/**
 * Rolling-window reduction of block rows [from, to): the window of row t is rows [t - left, t - left + window)
 * clipped to the block, NaN skipped; results with fewer than `minPeriods` valid values are NaN (xarray).
 * `out` is [outer, to - from, inner].
 */
export function rolling(op: RollingOp, src: Float64Array, layout: Layout, from: number, to: number, window: number, left: number, minPeriods: number, out: Float64Array): void;

/**
 * `rolling` over rows given as (array, offset) pairs: row k of [outer, rows] is `srcs[k]` from `bases[k]` (a
 * block's rows left in the chunk blocks they were read as). With `f32` each result is rounded to float32.
 */
export function rollingRows(
  op: RollingOp,
  srcs: readonly Float64Array[],
  bases: Int32Array,
  layout: Layout,
  from: number,
  to: number,
  window: number,
  left: number,
  minPeriods: number,
  out: Float64Array,
  f32?: boolean,
): void;

/**
 * The rows of `rollingRows` one at a time: `step(k, out, dst)` writes output row k of [outer, to - from] (each
 * `inner` values) at `out[dst]`; rows must be asked in order (running sums carry from one to the next).
 */
export function rollingSteps(
  op: RollingOp,
  srcs: readonly Float64Array[],
  bases: Int32Array,
  layout: Layout,
  from: number,
  to: number,
  window: number,
  left: number,
  minPeriods: number,
  f32?: boolean,
): (k: number, out: Float64Array, dst: number) => void;

/** Forward fill along rows, at most `limit` consecutive NaN filled (Infinity: no limit); in place. */
export function ffill(values: Float64Array, layout: Layout, limit: number): void;

/** Linear interpolation of NaN runs between valid values at positions `x` (ends stay NaN; xarray's interpolate_na); in place. */
export function interpolateNa(values: Float64Array, layout: Layout, x: ArrayLike<number>): void;

/**
 * scipy's `interp1d(kind="linear", bounds_error=False)` along rows: from source positions `x` (ascending) to
 * targets `xt`; targets outside [x0, xn] are NaN. `out` is [outer, xt.length, inner].
 */
export function interp1d(src: Float64Array, layout: Layout, x: ArrayLike<number>, xt: ArrayLike<number>, out: Float64Array): void;
