/**
 * @module `pad` and `roll` along a dimension, as xarray's: `pad({ time: [3, 2] }, { mode: "wrap" })` for
 * circular windows (a day-of-year climatology smoothed across the year's end), `"edge"` repeats the end values,
 * `"constant"` adds NaN (coordinates padded with NaN too); `roll({ time: 3 })` shifts values, and coordinates
 * only with `rollCoords: true` (xarray 2023.01's default is not to). Both are position takes: no new kernel.
 */
import type { Coordinate } from "../array/coords.ts";
import { indexCoord } from "../array/coords.ts";
import type { DataArray } from "../array/data-array.ts";
import { isFloat } from "../array/dtypes.ts";
import { type Indexer, node } from "../array/plan.ts";
import { InvalidOperationError } from "../errors.ts";

export type PadMode = "constant" | "edge" | "wrap";

function single<T>(what: string, spec: Readonly<Record<string, T>>, array: DataArray): [string, T, number] {
  const entries = Object.entries(spec);
  if (entries.length !== 1) throw new InvalidOperationError(`${what}: give one dimension (got ${entries.length})`, {});
  const [dim, value] = entries[0]!;
  const axis = array.dims.indexOf(dim);
  if (axis < 0) throw new InvalidOperationError(`${what}: no dimension "${dim}" (dimensions: ${array.dims.join(", ")})`, { attribute: dim });
  return [dim, value, axis];
}

/** The array taken at `positions` along `axis` (-1: NaN), coordinates taken alike or replaced by `coords`. */
function take(array: DataArray, dim: string, axis: number, positions: Int32Array, coords?: Record<string, Coordinate>): DataArray {
  const indexers: Indexer[] = array.dims.map((_, i) => (i === axis ? { kind: "take", index: positions } : { kind: "range", start: 0, step: 1 }));
  const padsNaN = positions.some((p) => p < 0);
  const dtype = padsNaN && !isFloat(array.dtype) ? "float64" : array.dtype;
  const plan = node("isel", [array.plan], indexers, {
    dims: array.dims,
    shape: array.shape.map((n, i) => (i === axis ? positions.length : n)),
    dtype,
    chunks: array.plan.chunks,
  });
  const picks = { [dim]: { ix: { kind: "take" as const, index: positions }, size: positions.length } };
  const out: Record<string, Coordinate> = {};
  for (const [n, c] of Object.entries(array.coords)) {
    if (coords?.[n]) out[n] = coords[n];
    else if (!c.dims.includes(dim)) out[n] = c;
    else {
      // NaN marks padded positions of numeric coordinates (NaT for times), as xarray pads them.
      const numeric = padsNaN && !Array.isArray(c.values) ? { ...c, values: Float64Array.from(c.values as ArrayLike<number | bigint>, Number), dtype: "float64" } : c;
      out[n] = indexCoord(numeric, picks);
    }
  }
  return array.with({ plan, coords: out });
}

/**
 * @example
 * const circular = doy.pad({ dayofyear: [15, 15] }, { mode: "wrap" }).rolling({ dayofyear: 31 }, { center: true }).mean();
 */
export function pad(array: DataArray, widths: Readonly<Record<string, readonly [number, number]>>, options: { mode?: PadMode } = {}): DataArray {
  const [dim, [before, after], axis] = single("pad", widths, array);
  const mode = options.mode ?? "constant";
  if (!["constant", "edge", "wrap"].includes(mode)) throw new InvalidOperationError(`pad: unknown mode "${mode}" (supported: constant, edge, wrap)`, {});
  const n = array.shape[axis]!;
  if (!(Number.isInteger(before) && Number.isInteger(after) && before >= 0 && after >= 0)) throw new InvalidOperationError(`pad: widths must be non-negative integers, got [${before}, ${after}]`, {});
  if (n === 0 && mode !== "constant") throw new InvalidOperationError(`pad: cannot ${mode}-pad the empty dimension "${dim}"`, {});
  const positions = Int32Array.from({ length: before + n + after }, (_, i) => {
    const p = i - before;
    if (p >= 0 && p < n) return p;
    if (mode === "constant") return -1;
    if (mode === "edge") return p < 0 ? 0 : n - 1;
    return ((p % n) + n) % n;
  });
  return take(array, dim, axis, positions);
}

/**
 * @example
 * da.roll({ time: 3 }); // the last 3 steps come first; coordinates stay unless rollCoords
 */
export function roll(array: DataArray, shifts: Readonly<Record<string, number>>, options: { rollCoords?: boolean } = {}): DataArray {
  const [dim, shift, axis] = single("roll", shifts, array);
  if (!Number.isInteger(shift)) throw new InvalidOperationError(`roll: shift must be an integer, got ${shift}`, {});
  const n = array.shape[axis]!;
  const positions = Int32Array.from({ length: n }, (_, i) => (((i - shift) % n) + n) % n);
  const rolled = take(array, dim, axis, positions);
  return options.rollCoords ? rolled : rolled.with({ coords: array.coords });
}
