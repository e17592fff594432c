/**
 * @module `concat` and `merge`, xarray's outer join: coordinates are joined (union, sorted), cells a side lacks
 * are NaN, arrays are broadcast and transposed to the first one's dimension order.
 */
import { InvalidOperationError } from "../errors.ts";
import { type Aligned, align, broadcastTo, indexOf } from "./align.ts";
import { type Coordinate, labelsOf } from "./coords.ts";
import { DataArray, toCoord } from "./data-array.ts";
import { type DType, isFloat, promote } from "./dtypes.ts";
import { LazyDataset } from "./lazy-dataset.ts";
import { node } from "./plan.ts";

/** Float dtype holding NaN for the cells an outer join adds. */
const holdsNaN = (d: DType): DType => (isFloat(d) ? d : promote(d, "float32"));

/** Casts a plan to `dtype` (a `map` that only rounds), when it differs. */
const cast = (a: Aligned, dtype: DType): Aligned =>
  a.plan.dtype === dtype ? a : { ...a, plan: node("map", [a.plan], { fn: "astype", args: [] }, { ...a.plan, dtype }) };

export interface ConcatOptions {
  /** Labels of a new dimension (one per array), as `xr.concat(arrays, pd.Index(labels, name=dim))`. */
  coord?: readonly number[] | readonly string[] | undefined;
}

/**
 * Joins arrays along `dim` (existing, or new: each array becomes one step). Other dimensions are outer-joined.
 * @example
 * const both = concat([jan, feb], "time");
 * const members = concat(runs, "member", { coord: [0, 1, 2] });
 */
export function concat(arrays: readonly DataArray[], dim: string, options: ConcatOptions = {}): DataArray {
  if (arrays.length === 0) throw new InvalidOperationError("concat: no arrays given", {});
  const fresh = !arrays[0]!.dims.includes(dim);
  for (const a of arrays) {
    if (a.dims.includes(dim) === fresh) throw new InvalidOperationError(`concat: dimension "${dim}" must be in every array or in none (dimensions: ${a.dims.join(", ")})`, { attribute: dim });
  }
  const parts = fresh ? arrays.map((a) => a.expandDims(dim)) : arrays;
  // Align every dimension but the one joined along: hide it behind a unique name while aligning.
  const hidden = parts.map((a, i) => a.rename({ [dim]: `${dim}\u0000${i}` }));
  const aligned = align(hidden, "outer");
  const dtype = aligned.some((a, i) => a.plan.shape.some((n, k) => n !== hidden[i]!.shape[k])) ? holdsNaN(arrays.map((a) => a.dtype).reduce(promote)) : arrays.map((a) => a.dtype).reduce(promote);
  const order = parts[0]!.dims;
  const inputs = aligned.map((a, i) => {
    const back = a.plan.dims.map((d) => (d === `${dim}\u0000${i}` ? dim : d));
    const renamed = node("rename", [a.plan], {}, { ...a.plan, dims: back });
    return cast({ ...a, plan: broadcastTo(renamed, order, order.map((d) => (d === dim ? parts[i]!.sizes[dim]! : renamed.shape[back.indexOf(d)]!))) }, dtype).plan;
  });
  const axis = order.indexOf(dim);
  const shape = inputs[0]!.shape.map((n, k) => (k === axis ? inputs.reduce((s, p) => s + p.shape[axis]!, 0) : n));
  const plan = node("concat", inputs, { axis }, { dims: order, shape, dtype, chunks: inputs[0]!.chunks.map((c, k) => (k === axis ? Math.max(c, 1) : c)) });
  const coords: Record<string, Coordinate> = {};
  for (const a of aligned) for (const [n, c] of Object.entries(a.coords)) if (!c.dims.some((d) => d.startsWith(`${dim}\u0000`))) coords[n] ??= c;
  const labels = fresh ? options.coord : parts.every((p) => indexOf(p, dim)) ? parts.flatMap((p) => labelsOf(indexOf(p, dim)!)) : undefined;
  if (labels) {
    if (labels.length !== shape[axis]) throw new InvalidOperationError(`concat: ${labels.length} labels for "${dim}" of length ${shape[axis]}`, { attribute: dim });
    coords[dim] = fresh || typeof labels[0] === "string" ? toCoord(dim, labels as number[]) : { ...indexOf(parts[0]!, dim)!, shape: [labels.length], values: concatValues(parts.map((p) => indexOf(p, dim)!.values)) };
  }
  return new DataArray({ plan, coords, attrs: arrays[0]!.attrs, name: arrays[0]!.name });
}

/** Values of 1-D coordinates end to end, in the first one's array type. */
function concatValues(values: readonly Coordinate["values"][]): Coordinate["values"] {
  if (Array.isArray(values[0])) return values.flatMap((v) => v as string[]);
  const first = values[0] as Float64Array;
  const out = new (first.constructor as new (n: number) => Float64Array)(values.reduce((s, v) => s + v.length, 0));
  let at = 0;
  for (const v of values) {
    out.set(v as Float64Array, at);
    at += v.length;
  }
  return out;
}

/**
 * Merges named arrays (or datasets) into one dataset, outer-joining their coordinates (xarray's `merge`).
 * @example
 * const ds = merge([sst.rename("sst"), ice.rename("ice")]);
 */
export function merge(items: readonly (DataArray | LazyDataset)[]): LazyDataset {
  const named: DataArray[] = [];
  for (const item of items) {
    if (item instanceof LazyDataset) named.push(...Object.entries(item.arrays).map(([n, a]) => a.rename(n)));
    else if (item.name === undefined) throw new InvalidOperationError("merge: every DataArray needs a name (use .rename(\"name\"))", {});
    else named.push(item);
  }
  const seen = new Set<string>();
  for (const a of named) {
    if (seen.has(a.name!)) throw new InvalidOperationError(`merge: variable "${a.name}" given twice`, { variable: a.name });
    seen.add(a.name!);
  }
  const aligned = align(named, "outer");
  const arrays: Record<string, DataArray> = {};
  aligned.forEach((a, i) => {
    const grew = a.plan.shape.some((n, k) => n !== named[i]!.shape[k]);
    const fixed = grew ? cast(a, holdsNaN(a.plan.dtype)) : a;
    arrays[named[i]!.name!] = new DataArray({ plan: fixed.plan, coords: a.coords, attrs: named[i]!.attrs, name: named[i]!.name });
  });
  const first = items.find((i): i is LazyDataset => i instanceof LazyDataset);
  return new LazyDataset({ arrays, attrs: first?.attrs ?? {} });
}
