/**
 * @module A rolling window's result one row at a time (`rowWise`, array/fused-map.ts): a rolling mean at the root
 * of a computation is written straight into the result, and one under a reduction is folded row by row, with no
 * block of it in between. Rows come in order (the running sums carry from one row to the next).
 */
import type { Evaluator } from "../array/evaluator.ts";
import { type PlanNode, type Region, sizeOf } from "../array/plan.ts";
import { pinRows } from "./row-pieces.ts";
import type { RowWise } from "./take-rows.ts";
import { type RollingOp, rollingSteps } from "./window-kernels.mjs";

export interface RollingParams {
  readonly fn: RollingOp;
  readonly axis: number;
  readonly window: number;
  readonly left: number;
  readonly minPeriods: number;
}

/** Rows shorter than this are not worth a call each: the block path takes them. */
const MIN_ROW = 64;

/** The input rows a region of a rolling node reads: its own plus the halo its windows reach into. */
export function haloOf(plan: PlanNode, region: Region): { lo: number; hi: number; from: number; to: number } {
  const { axis, window, left } = plan.params as RollingParams;
  const from = region.start[axis]!;
  const to = from + region.shape[axis]!;
  return { from, to, lo: Math.max(0, from - left), hi: Math.min(plan.inputs[0]!.shape[axis]!, to - left + window - 1) };
}

/**
 * The region of a float rolling node row by row (a row: one step along the window's axis); undefined for other
 * nodes, other dtypes, or rows too short to be worth it.
 * @example
 * const rows = await rollingWise(plan, region, ev); // rows.row(r, into) for r = 0, 1, ...; then rows.release()
 */
export async function rollingWise(plan: PlanNode, region: Region, ev: Evaluator): Promise<RowWise | undefined> {
  if (plan.op !== "rolling" || (plan.dtype !== "float32" && plan.dtype !== "float64")) return undefined;
  const { fn, axis, window, left, minPeriods } = plan.params as RollingParams;
  const inner = sizeOf(region.shape.slice(axis + 1));
  if (inner < MIN_ROW) return undefined;
  const { lo, hi, from, to } = haloOf(plan, region);
  const pinned = await pinRows(ev, plan, plan.inputs[0]!, axis, region, lo, hi);
  const layout = { outer: sizeOf(region.shape.slice(0, axis)), rows: hi - lo, inner };
  const step = rollingSteps(fn, pinned.srcs, pinned.bases, layout, from - lo, to - lo, window, left, minPeriods, plan.dtype === "float32");
  return { rows: layout.outer * (to - from), inner, row: (r, into) => step(r, into, 0), release: pinned.release };
}
