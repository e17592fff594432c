/**
 * @module The `group-reduce` plan node: a reduction along one axis into groups given per step (xarray's
 * groupby and resample). Its evaluator streams the axis one input chunk at a time and folds each step into
 * its group's row, so memory is one input block plus the output block, whatever the length of the axis.
 */
import { copyBox, stridesOf } from "../array/blocks.ts";
import { type DType, castValue, reducedDType } from "../array/dtypes.ts";
import type { OpEvaluator } from "../array/evaluator.ts";
import { streamedRegion } from "../array/stream-fast.ts";
import { type PlanNode, node, sizeOf } from "../array/plan.ts";
import { type Reduction, accumulate, finishReduce, newAccumulator } from "../array/reduce-kernel.ts";

export interface GroupReduceParams {
  readonly fn: Reduction;
  readonly axis: number;
  /** Group of each input step along `axis` (-1: in no group). */
  readonly index: Int32Array;
  readonly groups: number;
  readonly ddof: number;
  /** Groups with no step at all are NaN whatever the reduction (xarray 2023.01 reindexes empty resample bins). */
  readonly emptyIsNaN: boolean;
  /** quantile: the levels; more than one, or `quantileDim`, adds a trailing `quantile` axis (xarray's layout). */
  readonly q?: readonly number[] | undefined;
  readonly quantileDim?: boolean | undefined;
}

/** Result dtype: xarray's for the reduction; NaN-filled empty bins make counts float64. */
export function groupDType(fn: Reduction, input: DType, sizes: Int32Array, emptyIsNaN: boolean): DType {
  const d = reducedDType(fn, input);
  return emptyIsNaN && sizes.some((n) => n === 0) && (d === "int64" || d === "uint64") ? "float64" : d;
}

/**
 * The node: `dim` replaced by a group dimension `groupDim` of `groups` labels.
 * @example
 * const plan = groupReducePlan(da.plan, 0, "month", { fn: "mean", index, groups: 12, ddof: 0, emptyIsNaN: false });
 */
export function groupReducePlan(
  input: PlanNode,
  axis: number,
  groupDim: string,
  params: Omit<GroupReduceParams, "axis">,
  dtype: DType,
  groupChunk = params.groups,
): PlanNode<GroupReduceParams> {
  const dims = input.dims.map((d, i) => (i === axis ? groupDim : d));
  const shape = input.shape.map((n, i) => (i === axis ? params.groups : n));
  // Gathering reductions keep every value of a group: one group per block bounds that memory.
  const gathers = params.fn === "median" || params.fn === "quantile";
  const chunks = input.chunks.map((c, i) => (i === axis ? (gathers ? 1 : groupChunk) : c));
  const levels = params.q?.length ?? 0;
  if (params.quantileDim) return node("group-reduce", [input], { ...params, axis }, { dims: [...dims, "quantile"], shape: [...shape, levels], dtype, chunks: [...chunks, levels] });
  return node("group-reduce", [input], { ...params, axis }, { dims, shape, dtype, chunks });
}

export const groupReduceEvaluator: OpEvaluator = async (plan, whole, ev) => {
  const input = plan.inputs[0]!;
  const { fn, axis, index, ddof, emptyIsNaN, quantileDim } = plan.params as GroupReduceParams;
  // Stored floats by mean/min/max/sum/count: stream.ts's workers and SIMD fold (the seed's numbers exactly).
  const fast = emptyIsNaN ? undefined : await streamedRegion(plan, whole, ev);
  if (fast) return fast;
  // A trailing `quantile` axis: every level is computed from one gathering, then the region's levels picked.
  const region = quantileDim ? { start: whole.start.slice(0, -1), shape: whole.shape.slice(0, -1) } : whole;
  const g0 = region.start[axis]!;
  const g1 = g0 + region.shape[axis]!;
  const stepsIn = new Int32Array(region.shape[axis]!);
  for (const g of index) if (g >= g0 && g < g1) stepsIn[g - g0]!++;
  const per = Math.max(1, ...stepsIn);
  const size = sizeOf(region.shape);
  const acc = newAccumulator(fn, size, fn === "median" || fn === "quantile" ? per : 1);
  const outStride = stridesOf(region.shape);
  const foldStride = outStride.map((s, a) => (a === axis ? 0 : s));
  const outer = sizeOf(region.shape.slice(0, axis));
  const inner = sizeOf(region.shape.slice(axis + 1));
  const stepShape = region.shape.map((n, a) => (a === axis ? 1 : n));
  const slab = axis === 0 ? undefined : new Float64Array(outer * inner);
  const chunk = input.chunks[axis]!;
  const length = input.shape[axis]!;
  for (let t0 = 0; t0 < length; t0 += chunk) {
    const len = Math.min(chunk, length - t0);
    let wanted = false;
    for (let t = t0; t < t0 + len && !wanted; t++) wanted = index[t]! >= g0 && index[t]! < g1;
    if (!wanted) continue;
    const start = region.start.map((s, a) => (a === axis ? t0 : s));
    const shape = region.shape.map((n, a) => (a === axis ? len : n));
    const block = await ev.evaluate(input, { start, shape });
    for (let t = 0; t < len; t++) {
      const g = index[t0 + t]!;
      if (g < g0 || g >= g1) continue;
      let step: Float64Array;
      if (slab) {
        copyBox(block, stridesOf(shape), shape.map((_, a) => (a === axis ? t : 0)), slab, stepShape, stepShape.map(() => 0), stepShape);
        step = slab;
      } else step = block.subarray(t * inner, (t + 1) * inner);
      accumulate(acc, step, stepShape, foldStride, (g - g0) * outStride[axis]!);
    }
  }
  const q = (plan.params as GroupReduceParams).q ?? [0.5];
  let values = finishReduce(acc, { skipna: true, ddof, q });
  if (emptyIsNaN) {
    // finishReduce gives quantiles level-major: blank each level's empty groups.
    for (let k = 0; k < values.length / size; k++) {
      for (let o = 0; o < outer; o++) {
        for (let g = 0; g < stepsIn.length; g++) {
          if (stepsIn[g] !== 0) continue;
          const at = k * size + (o * stepsIn.length + g) * inner;
          values.fill(NaN, at, at + inner);
        }
      }
    }
  }
  if (quantileDim) values = levelsLast(values, size, whole.start.at(-1)!, whole.shape.at(-1)!);
  const d = plan.dtype;
  if (d !== "float64") for (let i = 0; i < values.length; i++) values[i] = castValue(d, values[i]!);
  return values;
};

/** Level-major quantiles ([level][element]) as the trailing axis ([element][level]), levels [k0, k0 + n) only. */
function levelsLast(values: Float64Array, size: number, k0: number, n: number): Float64Array {
  const out = new Float64Array(size * n);
  for (let i = 0; i < size; i++) for (let k = 0; k < n; k++) out[i * n + k] = values[(k0 + k) * size + i]!;
  return out;
}
