/**
 * @module Reduction kernels: accumulators over float64 blocks, folded block by block so a reduction streams
 * along the reduced axes. NaN is skipped unless `skipna` is false. std/var use Welford's update (stable in
 * one pass); median/quantile gather the values of each output element (numpy's linear interpolation).
 */

export const REDUCTIONS = ["mean", "sum", "prod", "min", "max", "std", "var", "count", "median", "quantile", "any", "all"] as const;
export type Reduction = (typeof REDUCTIONS)[number];

export interface Accumulator {
  readonly fn: Reduction;
  /** Valid values seen per output element. */
  readonly n: Float64Array;
  /** Sum, product, running min/max, or Welford's mean. */
  readonly a: Float64Array;
  /** Welford's sum of squared deviations. */
  readonly b: Float64Array | undefined;
  /** 1 where a NaN was seen (for skipna: false). */
  readonly nan: Uint8Array;
  /** median/quantile: every value of each output element, `per` slots each. */
  readonly gathered: Float64Array | undefined;
  readonly per: number;
}

const gathers = (fn: Reduction): boolean => fn === "median" || fn === "quantile";

/** An empty accumulator for `size` output elements, each reducing `per` input values. */
export function newAccumulator(fn: Reduction, size: number, per: number): Accumulator {
  const a = new Float64Array(size);
  if (fn === "prod" || fn === "all") a.fill(1);
  if (fn === "min") a.fill(Infinity);
  if (fn === "max") a.fill(-Infinity);
  const b = fn === "std" || fn === "var" ? new Float64Array(size) : undefined;
  const gathered = gathers(fn) ? new Float64Array(size * per) : undefined;
  return { fn, n: new Float64Array(size), a, b, nan: new Uint8Array(size), gathered, per };
}

/** Output offset of each position along each axis of a block: `i * stride`, 0 for reduced axes, -1 to skip. */
export type AxisOffsets = readonly Int32Array[];

/** Offsets of a block whose axis k moves the output by `stride[k]` (0: reduced), starting at `origin`. */
export function stridedOffsets(shape: readonly number[], stride: readonly number[]): Int32Array[] {
  return shape.map((n, k) => Int32Array.from({ length: n }, (_, i) => i * stride[k]!));
}

/**
 * Folds a C-order block into the accumulator: block axis k moves the output by `outStride[k]` (0 for a reduced
 * axis), starting at `outOrigin`.
 */
export function accumulate(acc: Accumulator, block: Float64Array, shape: readonly number[], outStride: readonly number[], outOrigin: number): void {
  accumulateAt(acc, block, shape, stridedOffsets(shape, outStride), outOrigin);
}

/**
 * Folds a C-order block into the accumulator: element (i0, i1, ...) goes to output `origin + Σ offsets[k][ik]`;
 * a negative offset (a step in no group) skips it.
 */
export function accumulateAt(acc: Accumulator, block: Float64Array, shape: readonly number[], offsets: AxisOffsets, origin = 0): void {
  const rank = shape.length;
  const { fn, n, a, b, nan, gathered, per } = acc;
  if (block.length === 0) return;
  const idx = new Array<number>(rank).fill(0);
  const last = rank - 1;
  const innerLen = rank === 0 ? 1 : shape[last]!;
  const inner = rank === 0 ? Int32Array.of(0) : offsets[last]!;
  const outerOffset = (): number => {
    let o = origin;
    for (let k = 0; k < last; k++) {
      const c = offsets[k]![idx[k]!]!;
      if (c < 0) return -1;
      o += c;
    }
    return o;
  };
  // Sums along a reduced last axis (`u.mean("lon")`) or into consecutive outputs take loops of their own, with
  // the fn test out of the loop; same additions in the same order as the general loop.
  const summing = fn === "sum" || fn === "mean";
  const rowSum = summing && inner.every((r) => r === 0);
  const rowAdd = summing && !rowSum && inner.every((r, k) => r === k);
  for (let i = 0; i < block.length; i += innerLen) {
    const o = outerOffset();
    if (o >= 0 && rowSum) {
      let sum = a[o]!;
      let c = n[o]!;
      for (let k = i, end = i + innerLen; k < end; k++) {
        const x = block[k]!;
        if (x === x) {
          sum += x;
          c++;
        } else nan[o] = 1;
      }
      a[o] = sum;
      n[o] = c;
    } else if (o >= 0 && rowAdd) {
      for (let k = 0; k < innerLen; k++) {
        const x = block[i + k]!;
        if (x === x) {
          a[o + k]! += x;
          n[o + k]!++;
        } else nan[o + k] = 1;
      }
    } else if (o >= 0) {
      for (let k = 0; k < innerLen; k++) {
        const rel = inner[k]!;
        if (rel < 0) continue;
        const at = o + rel;
        const x = block[i + k]!;
        if (x !== x) {
          nan[at] = 1;
          continue;
        }
        const c = ++n[at]!;
        if (fn === "sum" || fn === "mean") a[at]! += x;
        else if (fn === "min") {
          if (x < a[at]!) a[at] = x;
        } else if (fn === "max") {
          if (x > a[at]!) a[at] = x;
        } else if (fn === "std" || fn === "var") {
          const d = x - a[at]!;
          a[at]! += d / c;
          b![at]! += d * (x - a[at]!);
        } else if (fn === "prod") a[at]! *= x;
        else if (fn === "any") a[at] = a[at] || x !== 0 ? 1 : 0;
        else if (fn === "all") a[at] = a[at] && x !== 0 ? 1 : 0;
        else if (gathered) gathered[at * per + c - 1] = x;
      }
    }
    let axis = last - 1;
    for (; axis >= 0; axis--) {
      if (++idx[axis]! < shape[axis]!) break;
      idx[axis] = 0;
    }
    if (axis < 0) break;
  }
}

/** Rows of a block computed one at a time (fused-map.ts): `rows` rows of `inner` values, in C order. */
export interface BlockRows {
  readonly rows: number;
  readonly inner: number;
  row(r: number, into: Float64Array): void;
  release(): void;
}

/**
 * Folds a block given row by row (a chain of arithmetic under its mean: the eddy flux's product), so the block
 * itself is never written: each row is computed into a small buffer and folded at once. The same additions in
 * the same order as `accumulate` over the whole block.
 */
export function accumulateRows(acc: Accumulator, rows: BlockRows, shape: readonly number[], outStride: readonly number[]): void {
  // The rows' axes are the trailing ones whose sizes multiply to `inner`; the axes before them index the rows.
  let lead = shape.length;
  for (let size = 1; size < rows.inner; ) size *= shape[--lead]!;
  const offsets = stridedOffsets(shape, outStride);
  const leadShape = shape.slice(0, lead);
  const rowShape = shape.slice(lead);
  const rowOffsets = offsets.slice(lead);
  const row = new Float64Array(rows.inner);
  for (let r = 0; r < rows.rows; r++) {
    let origin = 0;
    for (let a = lead - 1, rest = r; a >= 0; a--) {
      const i = rest % leadShape[a]!;
      rest = (rest - i) / leadShape[a]!;
      origin += offsets[a]![i]!;
    }
    rows.row(r, row);
    accumulateAt(acc, row, rowShape, rowOffsets, origin);
  }
  rows.release();
}

/** numpy's quantile (linear) of sorted values. */
function quantileOf(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const frac = pos - lo;
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * frac;
}

/**
 * Final values, one per output element (quantile: `q.length` blocks of them, quantile-major).
 * Empty (all-NaN) groups: sum 0, prod 1, count 0, the rest NaN; skipna false: NaN wherever a NaN was seen.
 */
export function finishReduce(acc: Accumulator, options: { skipna: boolean; ddof: number; q: readonly number[] }): Float64Array {
  const { fn, n, a, b, nan, gathered, per } = acc;
  const size = n.length;
  const qs = fn === "median" ? [0.5] : options.q;
  const out = new Float64Array(fn === "quantile" ? size * qs.length : size);
  for (let i = 0; i < size; i++) {
    const c = n[i]!;
    const poisoned = !options.skipna && nan[i] === 1 && fn !== "count";
    if (gathered) {
      const sorted = gathered.subarray(i * per, i * per + c).sort();
      qs.forEach((q, k) => (out[k * size + i] = poisoned ? NaN : quantileOf(sorted, q)));
      continue;
    }
    let v: number;
    if (fn === "count") v = c;
    else if (fn === "sum" || fn === "prod" || fn === "any" || fn === "all") v = a[i]!;
    else if (fn === "mean") v = c > 0 ? a[i]! / c : NaN;
    else if (fn === "min" || fn === "max") v = c > 0 ? a[i]! : NaN;
    else {
      const variance = c - options.ddof > 0 ? b![i]! / (c - options.ddof) : NaN;
      v = fn === "std" ? Math.sqrt(variance) : variance;
    }
    out[i] = poisoned ? NaN : v;
  }
  return out;
}
