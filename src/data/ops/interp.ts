/**
 * @module `interp({ lat: [...], lon: [...] })`: linear interpolation onto new coordinates, one dimension after
 * the other as xarray does for independent 1-D targets (scipy's interp1d: NaN outside the source range, a NaN
 * neighbour gives NaN). Longitude wrap: `{ periodic: { lon: 360 } }` pads one column from each side with the
 * coordinate shifted by the period (xarray's recipe `pad(lon=1, mode="wrap")` + shifted `lon`), so targets
 * across the seam interpolate between the last and the first column.
 */
import type { Coordinate } from "../array/coords.ts";
import { labelsOf } from "../array/coords.ts";
import type { DataArray } from "../array/data-array.ts";
import type { OpEvaluator } from "../array/evaluator.ts";
import { node, sizeOf } from "../array/plan.ts";
import { InvalidOperationError } from "../errors.ts";
import { pad } from "./pad.ts";
import { interp1d } from "./window-kernels.mjs";

export interface InterpOptions {
  /** Dimensions whose coordinate is periodic, with the period (e.g. `{ lon: 360 }`). */
  periodic?: Readonly<Record<string, number>> | undefined;
}

interface InterpParams {
  readonly axis: number;
  readonly x: Float64Array;
  readonly xt: Float64Array;
}

function coordOf(array: DataArray, dim: string): Float64Array {
  const c = array.coords[dim];
  if (!c || c.dims.length !== 1 || c.dims[0] !== dim || Array.isArray(c.values)) {
    throw new InvalidOperationError(`interp: dimension "${dim}" needs a numeric coordinate (coordinates: ${Object.keys(array.coords).join(", ") || "none"})`, { attribute: dim });
  }
  return Float64Array.from(labelsOf(c), Number);
}

/** Reverses a descending dimension so the kernel sees ascending positions. */
function ascending(array: DataArray, dim: string): DataArray {
  const x = coordOf(array, dim);
  if (x.every((v, i) => i === 0 || v > x[i - 1]!)) return array;
  if (!x.every((v, i) => i === 0 || v < x[i - 1]!)) throw new InvalidOperationError(`interp: the "${dim}" coordinate must be strictly monotonic`, { attribute: dim });
  return array.isel({ [dim]: Array.from({ length: x.length }, (_, i) => x.length - 1 - i) });
}

function along(array: DataArray, dim: string, targets: Float64Array): DataArray {
  const axis = array.dims.indexOf(dim);
  if (axis < 0) throw new InvalidOperationError(`interp: no dimension "${dim}" (dimensions: ${array.dims.join(", ")})`, { attribute: dim });
  const x = coordOf(array, dim);
  const shape = array.shape.map((n, i) => (i === axis ? targets.length : n));
  const plan = node("interp", [array.plan], { axis, x, xt: targets } satisfies InterpParams, {
    dims: array.dims,
    shape,
    dtype: "float64",
    chunks: array.plan.chunks.map((c, i) => (i === axis ? targets.length : c)),
  });
  const coords: Record<string, Coordinate> = {};
  for (const [n, c] of Object.entries(array.coords)) if (!c.dims.includes(dim)) coords[n] = c;
  const old = array.coords[dim]!;
  coords[dim] = { dims: [dim], shape: [targets.length], values: targets, dtype: "float64", attrs: old.attrs };
  return array.with({ plan, coords });
}

/**
 * @example
 * const regridded = da.interp({ lat: newLat, lon: newLon }, { periodic: { lon: 360 } });
 */
export function interp(array: DataArray, targets: Readonly<Record<string, ArrayLike<number>>>, options: InterpOptions = {}): DataArray {
  let out = array;
  for (const [dim, values] of Object.entries(targets)) {
    out = ascending(out, dim);
    const period = options.periodic?.[dim];
    if (period !== undefined) {
      const x = coordOf(out, dim);
      const padded = pad(out, { [dim]: [1, 1] }, { mode: "wrap" });
      const shifted = Float64Array.from([x[x.length - 1]! - period, ...x, x[0]! + period]);
      out = padded.assignCoords({ [dim]: { ...padded.coords[dim]!, values: shifted, dtype: "float64" } });
    }
    out = along(out, dim, Float64Array.from(values));
  }
  return out;
}

export const interpEvaluator: OpEvaluator = async (plan, region, ev) => {
  const input = plan.inputs[0]!;
  const { axis, x, xt } = plan.params as InterpParams;
  const start = region.start.map((s, a) => (a === axis ? 0 : s));
  const shape = region.shape.map((n, a) => (a === axis ? input.shape[axis]! : n));
  const block = await ev.evaluate(input, { start, shape });
  const out = new Float64Array(sizeOf(region.shape));
  const from = region.start[axis]!;
  const layout = { outer: sizeOf(shape.slice(0, axis)), rows: input.shape[axis]!, inner: sizeOf(shape.slice(axis + 1)) };
  interp1d(block, layout, x, xt.subarray(from, from + region.shape[axis]!), out);
  return out;
};
