/**
 * @module Moving values between C-order blocks: strided gathers (transpose, broadcast, positions) and box
 * copies (chunks into regions, regions into outputs). Pure loops over typed arrays.
 */
import type { TypedValues } from "./dtypes.ts";
import { sizeOf } from "./plan.ts";

/** A destination block: float64 inside the engine, or a result's own typed array (no bigint kinds). */
export type NumberBlock = Exclude<TypedValues, BigInt64Array | BigUint64Array>;

/** C-order strides of a shape. */
export const stridesOf = (shape: readonly number[]): number[] => shape.map((_, i) => sizeOf(shape.slice(i + 1)));

/**
 * Fills `out` (C order, `shape`) with `src[offset + Σ index[k] * stride[k]]`: a stride of 0 broadcasts,
 * permuted strides transpose.
 */
export function gather(src: ArrayLike<number>, offset: number, stride: readonly number[], shape: readonly number[], out: Float64Array): void {
  const rank = shape.length;
  if (rank === 0) {
    out[0] = src[offset]!;
    return;
  }
  const last = rank - 1;
  const inner = shape[last]!;
  const step = stride[last]!;
  const idx = new Array<number>(rank).fill(0);
  let at = offset;
  // Float64 blocks broadcast (step 0) or copy rows (step 1) natively; anything else element by element.
  const f64 = src instanceof Float64Array ? src : undefined;
  for (let i = 0; i < out.length; ) {
    if (f64 && step === 0) {
      out.fill(f64[at]!, i, i + inner);
      i += inner;
    } else if (f64 && step === 1) {
      out.set(f64.subarray(at, at + inner), i);
      i += inner;
    } else for (let k = 0, s = at; k < inner; k++, s += step) out[i++] = src[s]!;
    let axis = last - 1;
    for (; axis >= 0; axis--) {
      at += stride[axis]!;
      if (++idx[axis]! < shape[axis]!) break;
      at -= stride[axis]! * shape[axis]!;
      idx[axis] = 0;
    }
    if (axis < 0) break;
  }
}

/**
 * Copies the box `extent` from `src` (strides `ss`, box at `srcStart`) into `dst` (C order, shape `dstShape`,
 * box at `dstStart`).
 */
export function copyBox(
  src: ArrayLike<number | bigint>,
  ss: readonly number[],
  srcStart: readonly number[],
  dst: NumberBlock,
  dstShape: readonly number[],
  dstStart: readonly number[],
  extent: readonly number[],
): void {
  const rank = extent.length;
  const ds = stridesOf(dstShape);
  const big = src instanceof BigInt64Array || src instanceof BigUint64Array;
  if (extent.some((n) => n === 0)) return;
  const s0 = srcStart.reduce((acc, x, i) => acc + x * ss[i]!, 0);
  const d0 = dstStart.reduce((acc, x, i) => acc + x * ds[i]!, 0);
  if (rank === 0) {
    dst[d0] = big ? Number((src as BigInt64Array)[s0]!) : (src as ArrayLike<number>)[s0]!;
    return;
  }
  // Typed sources copy rows with the engine's own `set` (converting float32 and ints natively): a JS loop here
  // sees every typed array kind and goes megamorphic. Trailing axes contiguous on both sides merge into one row.
  const typed = !big && ArrayBuffer.isView(src) && !(src instanceof DataView) ? (src as unknown as Float64Array) : undefined;
  let rows = rank - 1;
  let row = extent[rank - 1]!;
  while (rows > 0 && ss[rows - 1] === row && ds[rows - 1] === row) {
    row *= extent[rows - 1]!;
    rows--;
  }
  const walk = (axis: number, s: number, d: number): void => {
    if (axis === rows) {
      if (typed) dst.set(typed.subarray(s, s + row), d);
      else if (big) for (let i = 0; i < row; i++) dst[d + i] = Number((src as BigInt64Array)[s + i]!);
      else for (let i = 0; i < row; i++) dst[d + i] = (src as ArrayLike<number>)[s + i]!;
      return;
    }
    for (let i = 0; i < extent[axis]!; i++) walk(axis + 1, s + i * ss[axis]!, d + i * ds[axis]!);
  };
  walk(0, s0, d0);
}
