/**
 * @module The `take-rows` plan node: rows of an input picked along one axis by position (-1 gives NaN), copied
 * as contiguous slabs. Group arithmetic uses it to give every time step its group's climatology row, which an
 * element-by-element `isel` gather would make the slowest part of an anomaly.
 */
import type { OpEvaluator } from "../array/evaluator.ts";
import { type PlanNode, node, sizeOf } from "../array/plan.ts";

interface TakeRowsParams {
  readonly axis: number;
  readonly positions: Int32Array;
}

/** `input` with axis `axis` replaced by `positions.length` rows (named `dim`, chunked by `chunk`). */
export function takeRowsPlan(input: PlanNode, axis: number, positions: Int32Array, dim: string, chunk: number): PlanNode<TakeRowsParams> {
  return node("take-rows", [input], { axis, positions }, {
    dims: input.dims.map((d, i) => (i === axis ? dim : d)),
    shape: input.shape.map((n, i) => (i === axis ? positions.length : n)),
    dtype: input.dtype,
    chunks: input.chunks.map((c, i) => (i === axis ? chunk : c)),
  });
}

export const takeRowsEvaluator: OpEvaluator = async (plan, region, ev) => {
  const input = plan.inputs[0]!;
  const { axis, positions } = plan.params as TakeRowsParams;
  const rows = region.shape[axis]!;
  const wanted = positions.subarray(region.start[axis]!, region.start[axis]! + rows);
  let lo = Number.POSITIVE_INFINITY;
  let hi = -1;
  for (const p of wanted) {
    if (p < 0) continue;
    lo = Math.min(lo, p);
    hi = Math.max(hi, p);
  }
  const out = ev.blocks.take(sizeOf(region.shape));
  if (hi < 0) return out.fill(Number.NaN);
  const span = hi - lo + 1;
  const block = await ev.evaluate(input, {
    start: region.start.map((s, a) => (a === axis ? lo : s)),
    shape: region.shape.map((n, a) => (a === axis ? span : n)),
  });
  const outer = sizeOf(region.shape.slice(0, axis));
  const inner = sizeOf(region.shape.slice(axis + 1));
  for (let o = 0; o < outer; o++) {
    for (let t = 0; t < rows; t++) {
      const p = wanted[t]!;
      const to = (o * rows + t) * inner;
      if (p < 0) out.fill(Number.NaN, to, to + inner);
      else out.set(block.subarray((o * span + (p - lo)) * inner, (o * span + (p - lo) + 1) * inner), to);
    }
  }
  ev.blocks.give(block);
  return out;
};
