/**
 * @module `da.groupby("time.month")`: reductions per group of a time component, and xarray's group arithmetic
 * (`da.groupby("time.month") - climatology`): each step meets the row of its group's label in the other array,
 * found by label (outer join, NaN where the other has no such group), with the group label as a coordinate
 * along time, as xarray leaves it.
 */
import type { DataArray } from "../array/data-array.ts";
import { type Coordinate, labelsOf } from "../array/coords.ts";
import { type Reduction } from "../array/reduce-kernel.ts";
import { InvalidOperationError, UnsupportedError } from "../errors.ts";
import { type Grouping, type TimeGroups, groupTime, parseGrouping } from "../groupby.ts";
import { groupDType, groupReducePlan } from "./group-reduce.ts";
import { takeRowsPlan } from "./take-rows.ts";
import { type DecodedTime, decodeTimeCoord } from "./time-coord.ts";

/** A coordinate of labels along `dim` (int64 numbers or strings). */
export function labelCoord(dim: string, labels: readonly (string | number)[]): Coordinate {
  const strings = labels.some((l) => typeof l === "string");
  const values = strings ? labels.map(String) : BigInt64Array.from(labels as number[], (v) => BigInt(v));
  return { dims: [dim], shape: [labels.length], values, dtype: strings ? "string" : "int64", attrs: {} };
}

/** Reduces `array` along `time.dim` into groups; shared by groupby and resample. */
export function reduceGroups(
  array: DataArray,
  time: DecodedTime,
  groupDim: string,
  groups: { index: Int32Array; sizes: Int32Array },
  labels: Coordinate,
  fn: Reduction,
  options: { ddof?: number | undefined; emptyIsNaN: boolean; contiguous?: boolean; q?: number | readonly number[] | undefined },
): DataArray {
  const axis = array.dims.indexOf(time.dim);
  const count = labels.shape[0]!;
  const dtype = fn === "quantile" ? "float64" : groupDType(fn, array.dtype, groups.sizes, options.emptyIsNaN);
  // Only bins with no step at all need the NaN rule; without them the node may take the streaming fast path.
  const emptyIsNaN = options.emptyIsNaN && groups.sizes.some((n) => n === 0);
  const q = fn !== "quantile" ? undefined : quantileLevels(options.q);
  const quantileDim = fn === "quantile" && typeof options.q !== "number";
  const params = { fn, index: groups.index, groups: count, ddof: options.ddof ?? 0, emptyIsNaN, q, quantileDim };
  // Contiguous bins (resample): blocks of about eight input chunks' worth of steps, so few chunks straddle blocks.
  const steps = array.shape[axis]!;
  const perBlock = options.contiguous ? Math.max(1, Math.round((8 * array.plan.chunks[axis]! * count) / Math.max(1, steps))) : count;
  const plan = groupReducePlan(array.plan, axis, groupDim, params, dtype, perBlock);
  const coords: Record<string, Coordinate> = { [groupDim]: labels };
  for (const [n, c] of Object.entries(array.coords)) if (!c.dims.includes(time.dim) && n !== groupDim) coords[n] = c;
  // xarray: a scalar q leaves a scalar `quantile` coordinate, a list a trailing `quantile` dimension.
  if (q) coords.quantile = { dims: quantileDim ? ["quantile"] : [], shape: quantileDim ? [q.length] : [], values: Float64Array.from(q), dtype: "float64", attrs: {} };
  return array.with({ plan, coords, ...(q ? { attrs: {} } : {}) });
}

/** Quantile levels, each in [0, 1]. */
export function quantileLevels(q: number | readonly number[] | undefined): number[] {
  const levels = q === undefined ? [] : typeof q === "number" ? [q] : [...q];
  if (levels.length === 0) throw new InvalidOperationError("quantile: give q, a level in [0, 1] or a list of them", {});
  for (const x of levels) if (!(x >= 0 && x <= 1)) throw new InvalidOperationError(`quantile: q must be in [0, 1], got ${x}`, {});
  return levels;
}

export class TimeGroupBy {
  readonly grouping: Grouping;
  readonly time: DecodedTime;
  readonly groups: TimeGroups;

  /**
   * @example
   * const climatology = da.groupby("time.month").mean();
   * const anomaly = da.groupby("time.month").sub(climatology);
   */
  constructor(
    readonly array: DataArray,
    key: string,
  ) {
    const dim = key.includes(".") ? key.slice(0, key.indexOf(".")) : "time";
    this.grouping = parseGrouping(key, dim);
    this.time = decodeTimeCoord(array.coords, dim, `groupby("${key}")`);
    if (!array.dims.includes(dim)) throw new InvalidOperationError(`groupby("${key}"): the array has no "${dim}" dimension (dimensions: ${array.dims.join(", ")})`, { variable: dim });
    this.groups = groupTime(this.time.axis, this.grouping);
  }

  /** The group labels, sorted (DJF, JJA, MAM, SON; numbers ascending). */
  get labels(): readonly (string | number)[] {
    return this.groups.labels;
  }

  /** Reduces each group over the time dimension (the only one xarray's default reduces). */
  reduce(fn: Reduction, dim?: string, options: { ddof?: number | undefined; q?: number | readonly number[] | undefined } = {}): DataArray {
    if (dim !== undefined && dim !== this.time.dim) {
      throw new UnsupportedError(`groupby reductions reduce over "${this.time.dim}" (got "${dim}"); reduce other dimensions afterwards`, {});
    }
    if (fn === "any" || fn === "all" || fn === "prod") throw new UnsupportedError(`groupby: "${fn}" is not supported (mean, sum, min, max, std, var, count, median, quantile)`, {});
    const labels = labelCoord(this.grouping, this.groups.labels);
    return reduceGroups(this.array, this.time, this.grouping, this.groups, labels, fn, { ...options, emptyIsNaN: false });
  }
  mean = (dim?: string): DataArray => this.reduce("mean", dim);
  sum = (dim?: string): DataArray => this.reduce("sum", dim);
  min = (dim?: string): DataArray => this.reduce("min", dim);
  max = (dim?: string): DataArray => this.reduce("max", dim);
  std = (dim?: string, options?: { ddof?: number }): DataArray => this.reduce("std", dim, options);
  var = (dim?: string, options?: { ddof?: number }): DataArray => this.reduce("var", dim, options);
  count = (dim?: string): DataArray => this.reduce("count", dim);
  median = (dim?: string): DataArray => this.reduce("median", dim);
  /**
   * numpy's linear quantile per group: a scalar `q` keeps the dims, a list adds a trailing `quantile` dimension.
   * @example
   * const p90 = da.groupby("time.month").quantile(0.9);
   */
  quantile = (q: number | readonly number[], dim?: string): DataArray => this.reduce("quantile", dim, { q });

  /** `da.groupby(key) - other`: other indexed by each step's group label. */
  sub = (other: DataArray): DataArray => this.binary("sub", other);
  add = (other: DataArray): DataArray => this.binary("add", other);
  mul = (other: DataArray): DataArray => this.binary("mul", other);
  div = (other: DataArray): DataArray => this.binary("div", other);

  private binary(fn: "sub" | "add" | "mul" | "div", other: DataArray): DataArray {
    const g = this.grouping;
    const axis = other.dims.indexOf(g);
    const own = other.coords[g];
    if (axis < 0 || !own) {
      throw new InvalidOperationError(
        `incompatible dimensions for a grouped binary operation: the group variable "${g}" is not a dimension with a coordinate on the other argument (dimensions: ${other.dims.join(", ") || "none"})`,
        { attribute: g },
      );
    }
    const position = new Map(labelsOf(own).map((l, i) => [l, i] as const));
    const { index, labels } = this.groups;
    const steps = index.length;
    const take = Int32Array.from(index, (k) => (k < 0 ? -1 : (position.get(labels[k]!) ?? -1)));
    const timeChunk = this.array.plan.chunks[this.array.dims.indexOf(this.time.dim)]!;
    const plan = takeRowsPlan(other.plan, axis, take, this.time.dim, timeChunk);
    const coords: Record<string, Coordinate> = {};
    for (const [n, c] of Object.entries(other.coords)) if (!c.dims.includes(g)) coords[n] = c;
    coords[this.time.dim] = this.time.coord;
    const perStep = Array.from(index, (k) => labels[k] ?? Number.NaN);
    // A step with a missing time has no label: NaN (a float coordinate), as xarray's group variable holds it.
    coords[g] = perStep.some((l) => Number.isNaN(l))
      ? { dims: [this.time.dim], shape: [steps], values: Float64Array.from(perStep as number[]), dtype: "float64", attrs: {} }
      : labelCoord(this.time.dim, perStep);
    const expanded = other.with({ plan, coords });
    return this.array[fn](expanded);
  }
}
