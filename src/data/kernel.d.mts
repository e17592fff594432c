/** @module Types of kernel.mjs: the inner loops of group-by reductions. */
export type Reducer = "mean" | "min" | "max" | "sum" | "count";

/** Float input a kernel reads. */
export type FloatData = Float32Array | Float64Array;

/** Partial result: sum (mean, sum, count) or running min/max, and a count of valid values per element. */
export interface Tile {
  acc: Float64Array;
  /** Valid values per element; for sum-like ops, missing values until {@link settle}d. */
  count: Float64Array;
  /** Sum-like ops before settling: time steps seen per [outer, group]. */
  steps?: Float64Array | undefined;
  /** Set when acc and count live in a WebAssembly memory with a SIMD fold (direct.mjs); byte offsets. */
  add4?: ((acc: number, count: number, src: number, stride: number, n: number) => void) | undefined;
  add1?: ((acc: number, count: number, src: number, n: number) => void) | undefined;
}

/** Layout of one chunk: sizes of the axes before time, of time, and after time. */
export interface ChunkLayout {
  outer: number;
  time: number;
  inner: number;
}

export function newTile(op: Reducer, groups: number, layout: ChunkLayout): Tile;

/**
 * Adds one decoded chunk into a tile. `groupOf[t]` is the group of the chunk's t-th step (-1 skips it);
 * only the first `steps` steps are real (the last chunk of the time axis may be partial).
 */
export function accumulate(
  op: Reducer,
  tile: Tile,
  groups: number,
  data: FloatData,
  layout: ChunkLayout,
  groupOf: Int32Array,
  steps: number,
  missing: readonly number[],
): void;

/** Turns a sum-like tile's missing counts into valid counts; call once accumulation ends. */
export function settle(tile: Tile, groups: number, layout: ChunkLayout): Tile;

/** Combines partial accumulators element-wise (into `into`). */
export function combine(op: Reducer, into: Tile, from: Tile, intoAt: number, fromAt: number, length: number): void;

/** Final values: mean = sum/count, min/max NaN where nothing was valid, sum 0 there, count as is. */
export function finish(op: Reducer, tile: Tile, out: Float32Array | Float64Array): void;
