/**
 * @module `ffill(dim, { limit })` and `interpolateNa(dim)` as xarray's (missing.py): forward fill of at most
 * `limit` consecutive NaN; linear interpolation of NaN runs against the dimension's coordinate (times as
 * instants in their calendar), ends left NaN. A block reads back `limit` rows (ffill), or its whole column
 * along the dimension when a gap can reach any distance (ffill without limit, interpolateNa) — xarray with dask
 * asks for one chunk along the dimension there.
 */
import { labelsOf } from "../array/coords.ts";
import type { DataArray } from "../array/data-array.ts";
import { castValue, isFloat } from "../array/dtypes.ts";
import type { OpEvaluator } from "../array/evaluator.ts";
import { node, sizeOf } from "../array/plan.ts";
import { InvalidOperationError } from "../errors.ts";
import { decodeTimeCoord, isTimeCoord } from "./time-coord.ts";
import { ffill, interpolateNa } from "./window-kernels.mjs";

interface FillParams {
  readonly mode: "ffill" | "interpolate";
  readonly axis: number;
  /** ffill: most NaN filled in a row (Infinity: all). */
  readonly limit: number;
  /** interpolate: coordinate positions along the axis. */
  readonly x: Float64Array;
}

function fillPlan(array: DataArray, dim: string, params: Omit<FillParams, "axis">): DataArray {
  const axis = array.dims.indexOf(dim);
  if (axis < 0) throw new InvalidOperationError(`${params.mode === "ffill" ? "ffill" : "interpolateNa"}: no dimension "${dim}" (dimensions: ${array.dims.join(", ")})`, { attribute: dim });
  const dtype = isFloat(array.dtype) ? array.dtype : "float64";
  return array.with({ plan: node("fill", [array.plan], { ...params, axis }, { ...array.plan, dtype }) });
}

/**
 * @example
 * da.ffill("time", { limit: 2 });
 */
export function forwardFill(array: DataArray, dim: string, options: { limit?: number | undefined } = {}): DataArray {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  if (!(limit === Number.POSITIVE_INFINITY || (Number.isInteger(limit) && limit >= 1))) throw new InvalidOperationError(`ffill: limit must be a positive integer, got ${limit}`, {});
  return fillPlan(array, dim, { mode: "ffill", limit, x: new Float64Array(0) });
}

/**
 * Linear, against the coordinate (positions when there is none), as xarray's `interpolate_na(dim)` defaults.
 * @example
 * da.interpolateNa("time");
 */
export function interpolateMissing(array: DataArray, dim: string): DataArray {
  const c = array.coords[dim];
  const n = array.sizes[dim] ?? 0;
  const x = isTimeCoord(c)
    ? decodeTimeCoord(array.coords, dim, "interpolateNa").instants
    : c && c.dims.length === 1 && c.dims[0] === dim
      ? Float64Array.from(labelsOf(c), Number)
      : Float64Array.from({ length: n }, (_, i) => i);
  for (let i = 1; i < x.length; i++) {
    if (!(x[i]! > x[i - 1]!)) throw new InvalidOperationError(`interpolateNa: the "${dim}" coordinate must be strictly increasing`, { attribute: dim });
  }
  return fillPlan(array, dim, { mode: "interpolate", limit: 0, x });
}

export const fillEvaluator: OpEvaluator = async (plan, region, ev) => {
  const input = plan.inputs[0]!;
  const { mode, axis, limit, x } = plan.params as FillParams;
  const from = region.start[axis]!;
  const to = from + region.shape[axis]!;
  const n = input.shape[axis]!;
  const lo = mode === "ffill" && Number.isFinite(limit) ? Math.max(0, from - limit) : 0;
  const hi = mode === "ffill" ? to : n;
  const start = region.start.map((s, a) => (a === axis ? lo : s));
  const shape = region.shape.map((m, a) => (a === axis ? hi - lo : m));
  const block = await ev.evaluate(input, { start, shape });
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const layout = { outer, rows: hi - lo, inner };
  if (mode === "ffill") ffill(block, layout, limit);
  else interpolateNa(block, layout, x.subarray(lo, hi));
  const out = new Float64Array(sizeOf(region.shape));
  const rows = to - from;
  for (let o = 0; o < outer; o++) out.set(block.subarray((o * layout.rows + (from - lo)) * inner, (o * layout.rows + (to - lo)) * inner), o * rows * inner);
  const d = plan.dtype;
  if (d !== "float64") for (let i = 0; i < out.length; i++) out[i] = castValue(d, out[i]!);
  return out;
};
