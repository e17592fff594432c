/**
 * @module The `take-rows` plan node: rows of an input picked along one axis by position (-1 gives NaN), copied
 * as contiguous slabs. Group arithmetic uses it to give every time step its group's climatology row, which an
 * element-by-element `isel` gather would make the slowest part of an anomaly.
 */
import type { Evaluator, OpEvaluator } from "../array/evaluator.ts";
import { arithmetic } from "../array/kernels.ts";
import { type MapParams, type PlanNode, type Region, node, sizeOf } from "../array/plan.ts";

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

/** The input rows a region of a take-rows node picks: one block over their span, and each row's place in it. */
interface PickedRows {
  /** The input over rows `lo`..`lo + span - 1` (undefined when every row is -1). */
  readonly block: Float64Array | undefined;
  readonly wanted: Int32Array;
  readonly lo: number;
  readonly span: number;
  /** Sizes before and after the axis (the region's). */
  readonly outer: number;
  readonly inner: number;
}

async function pickRows(plan: PlanNode, region: Region, ev: Evaluator): Promise<PickedRows> {
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
  const outer = sizeOf(region.shape.slice(0, axis));
  const inner = sizeOf(region.shape.slice(axis + 1));
  if (hi < 0) return { block: undefined, wanted, lo: 0, span: 0, outer, inner };
  const span = hi - lo + 1;
  const block = await ev.evaluate(input, {
    start: region.start.map((s, a) => (a === axis ? lo : s)),
    shape: region.shape.map((n, a) => (a === axis ? span : n)),
  });
  return { block, wanted, lo, span, outer, inner };
}

/** Calls `row(to, from)` for every output row: `from` is the row's offset in the picked block, -1 for NaN. */
function eachRow({ wanted, lo, span, outer, inner }: PickedRows, row: (to: number, from: number) => void): void {
  const rows = wanted.length;
  for (let o = 0; o < outer; o++) {
    for (let t = 0; t < rows; t++) {
      const p = wanted[t]!;
      row((o * rows + t) * inner, p < 0 ? -1 : (o * span + (p - lo)) * inner);
    }
  }
}

export const takeRowsEvaluator: OpEvaluator = async (plan, region, ev) => {
  const picked = await pickRows(plan, region, ev);
  const out = ev.blocks.take(sizeOf(region.shape));
  const { block, inner } = picked;
  if (!block) return out.fill(Number.NaN);
  eachRow(picked, (to, from) => {
    if (from < 0) out.fill(Number.NaN, to, to + inner);
    else out.set(block.subarray(from, from + inner), to);
  });
  ev.blocks.give(block);
  return out;
};

/** Rows shorter than this take the plain path: per-row calls would cost more than the copy they save. */
const MIN_FUSED_ROW = 64;

const FUSED: ReadonlySet<string> = new Set(["add", "sub", "mul", "div"]);

/** A `map` over a take-rows input, computed one output row at a time (a row: one position along the rows' axis). */
export interface RowWise {
  /** Rows in the region (outer x picked rows) and values per row. */
  readonly rows: number;
  readonly inner: number;
  /** Writes row `r` (C order of the region) into `into` (length `inner`). */
  row(r: number, into: Float64Array): void;
  /** Gives the input blocks back to the pool. */
  release(): void;
}

/**
 * The region of a `map` of add/sub/mul/div whose one input is a take-rows node (group arithmetic:
 * `da.groupby("time.month") - climatology`), row by row: each output row is computed from the picked row in
 * place, with no block of repeated rows in between. The same operations and rounding as the plain `map`, so the
 * values are identical. Undefined when the node does not qualify (array/fused-map.ts dispatches).
 */
export async function takeRowsWise(plan: PlanNode, region: Region, ev: Evaluator): Promise<RowWise | undefined> {
  if (plan.op !== "map") return undefined;
  const { fn, args } = plan.params as MapParams;
  const f32 = plan.dtype === "float32";
  if (plan.inputs.length !== 2 || args.length > 0 || !FUSED.has(fn) || (!f32 && plan.dtype !== "float64")) return undefined;
  const side = plan.inputs.findIndex((n) => n.op === "take-rows");
  if (side < 0 || plan.inputs[1 - side]!.op === "take-rows") return undefined;
  const { axis } = plan.inputs[side]!.params as TakeRowsParams;
  if (sizeOf(region.shape.slice(axis + 1)) < MIN_FUSED_ROW) return undefined;
  const [x, picked] = await Promise.all([ev.evaluate(plan.inputs[1 - side]!, region), pickRows(plan.inputs[side]!, region, ev)]);
  const { block, inner, wanted, lo, span } = picked;
  const rows = wanted.length;
  const cast = f32 ? Math.fround : (v: number) => v;
  return {
    rows: picked.outer * rows,
    inner,
    row: (r, into) => {
      const t = r % rows;
      const p = wanted[t]!;
      if (p < 0 || !block) {
        into.fill(Number.NaN); // x op NaN is NaN for each of add, sub, mul and div
        return;
      }
      const from = ((r - t) / rows * span + (p - lo)) * inner;
      const a = x.subarray(r * inner, (r + 1) * inner);
      const b = block.subarray(from, from + inner);
      arithmetic(fn, side === 1 ? a : b, side === 1 ? b : a, 0, into, cast);
    },
    release: () => {
      ev.blocks.give(x);
      if (block) ev.blocks.give(block);
    },
  };
}
