/** @module Types of weighted-kernel.mjs: xarray's weighted sums, one pass over blocks. */

/** Per output element: Σ w·x and Σ w·x² over valid x, and Σ w over valid x (xarray's sum_of_weights). */
export interface WeightedAccumulator {
  wx: Float64Array;
  /** Absent unless made with `squares` (std and var). */
  wxx: Float64Array | undefined;
  w: Float64Array;
}

/** `squares` (default true): also keep Σ w·x², which only std and var read. */
export function newWeightedAccumulator(size: number, squares?: boolean): WeightedAccumulator;

/**
 * Folds a block of values and its weights into the accumulator; `outStride[axis]` is the output stride of each
 * block axis (0 for reduced axes), `outOffset` the output index of the block's first element. The weights are
 * block-shaped, or indexed by `weightStride` (0 along axes they are broadcast over).
 */
export function weightedFold(
  acc: WeightedAccumulator,
  data: Float64Array,
  weights: Float64Array,
  shape: readonly number[],
  outStride: readonly number[],
  outOffset: number,
  weightStride?: readonly number[],
): void;

/** mean = Σwx / Σw (NaN where Σw is 0), sum = Σwx, var/std from the same sums with the weighted mean. */
export function weightedFinish(op: "mean" | "sum" | "std" | "var" | "sum_of_weights", acc: WeightedAccumulator, out: Float64Array): void;
