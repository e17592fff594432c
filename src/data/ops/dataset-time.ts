/**
 * @module `ds.groupby("time.month")` and `ds.resample({ time: "MS" })` on a whole LazyDataset: each variable with
 * the time dimension is reduced per group; the others are broadcast over the groups as xarray 2023.01's
 * Dataset.reduce leaves them (reduced over no axis: the value for mean/min/max/median, NaN as 0 for sum, 1 or 0
 * for count, 0 for std/var).
 */
import type { DataArray } from "../array/data-array.ts";
import type { Coordinate } from "../array/coords.ts";
import type { Reduction } from "../array/reduce-kernel.ts";
import { UnsupportedError } from "../errors.ts";
import type { ResampleOptions } from "../time/resample-bins.ts";

type Reducible = Extract<Reduction, "mean" | "sum" | "min" | "max" | "std" | "var" | "count" | "median" | "quantile">;

/** What a dataset offers here (LazyDataset): its arrays and a map over them. */
export interface Mappable<T> {
  readonly arrays: Readonly<Record<string, DataArray>>;
  map(fn: (array: DataArray, name: string) => DataArray): T;
}

/** A variable without the time dimension as one group's reduction over no axis sees it. */
function reducedOverNothing(a: DataArray, fn: Reducible): DataArray {
  if (fn === "sum") return a.fillna(0);
  if (fn === "count") return a.notnull().astype("int64");
  if (fn === "std" || fn === "var") return a.mul(0);
  return a;
}

export class DatasetGrouped<T> {
  constructor(
    private readonly dataset: Mappable<T>,
    private readonly dim: string,
    private readonly each: (a: DataArray, fn: Reducible, q?: number | readonly number[]) => DataArray,
  ) {}

  /** Reduces each group over the grouped dimension (`dim`, if given, must be that one, as xarray's default). */
  reduce(fn: Reducible, dim?: string, q?: number | readonly number[]): T {
    if (dim !== undefined && dim !== this.dim) {
      throw new UnsupportedError(`grouped reductions reduce over "${this.dim}" (got "${dim}"); reduce other dimensions afterwards`, {});
    }
    let labels: { name: string; coord: Coordinate } | undefined;
    const withTime = Object.entries(this.dataset.arrays).filter(([, a]) => a.dims.includes(this.dim));
    const reduced = new Map(withTime.map(([n, a]) => [n, this.each(a, fn, q)] as const));
    const [first] = withTime;
    if (first) {
      // The group dimension sits where time was: `season`, `month`, ... for groupby, `time` for resample.
      const r = reduced.get(first[0])!;
      const name = r.dims[first[1].dims.indexOf(this.dim)]!;
      labels = { name, coord: r.coords[name]! };
    }
    return this.dataset.map((a, n) => {
      const done = reduced.get(n);
      if (done) return done;
      if (!labels) return a;
      const size = labels.coord.shape[0]!;
      return reducedOverNothing(a, fn).expandDims({ [labels.name]: size }).assignCoords({ [labels.name]: labels.coord });
    });
  }
  mean = (dim?: string): T => this.reduce("mean", dim);
  sum = (dim?: string): T => this.reduce("sum", dim);
  min = (dim?: string): T => this.reduce("min", dim);
  max = (dim?: string): T => this.reduce("max", dim);
  std = (dim?: string): T => this.reduce("std", dim);
  var = (dim?: string): T => this.reduce("var", dim);
  count = (dim?: string): T => this.reduce("count", dim);
  median = (dim?: string): T => this.reduce("median", dim);
  /**
   * Quantiles per group; a list of q puts `quantile` right after the group dimension, as xarray's Dataset does
   * (variables without the grouped dimension are kept, broadcast over the groups).
   * @example
   * const p90 = ds.groupby("time.month").quantile(0.9);
   */
  quantile = (q: number | readonly number[], dim?: string): T => this.reduce("quantile", dim, q);
}

/** A list of quantiles right after the group dimension (at `axis`), where xarray's Dataset puts it. */
function quantileAfterGroup(r: DataArray, q: number | readonly number[] | undefined, axis: number): DataArray {
  if (q === undefined || typeof q === "number") return r;
  const order = r.dims.filter((d) => d !== "quantile");
  order.splice(axis + 1, 0, "quantile");
  return r.transpose(...order);
}

/**
 * @example
 * const seasonal = ds.groupby("time.season").mean();
 */
export function groupDataset<T>(dataset: Mappable<T>, key: string): DatasetGrouped<T> {
  const dim = key.includes(".") ? key.slice(0, key.indexOf(".")) : "time";
  return new DatasetGrouped(dataset, dim, (a, fn, q) => quantileAfterGroup(a.groupby(key).reduce(fn, undefined, { q }), q, a.dims.indexOf(dim)));
}

/**
 * @example
 * const monthly = ds.resample({ time: "MS" }).mean();
 */
export function resampleDataset<T>(dataset: Mappable<T>, frequency: Readonly<Record<string, string>>, options?: ResampleOptions): DatasetGrouped<T> {
  const dim = Object.keys(frequency)[0] ?? "time";
  return new DatasetGrouped(dataset, dim, (a, fn, q) => quantileAfterGroup(a.resample(frequency, options).reduce(fn, { q }), q, a.dims.indexOf(dim)));
}
