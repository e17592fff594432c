/**
 * @module `ds.rolling({ time: 7 })` and `ds.weighted(w)` on a whole LazyDataset, as xarray 2023.01's
 * DatasetRolling and DatasetWeighted: rolling applies to each data variable with the window's dimension and
 * leaves the others as they are; weighted reduces each variable over the named dimensions it or the weights
 * have (a variable without them is broadcast against the weights first, as `xr.dot` does).
 */
import type { DataArray } from "../array/data-array.ts";
import { InvalidOperationError } from "../errors.ts";
import type { RollingOp } from "./window-kernels.mjs";
import type { RollingOptions } from "./rolling.ts";
import { Weighted, type WeightedOp } from "./weighted.ts";
import type { Mappable } from "./dataset-time.ts";

type Dims = string | readonly string[] | undefined;

export class DatasetRolling<T> {
  private readonly dim: string;

  /**
   * @example
   * const smooth = ds.rolling({ time: 7 }, { center: true }).mean();
   */
  constructor(
    private readonly dataset: Mappable<T> & { readonly dims: Readonly<Record<string, number>> },
    private readonly windows: Readonly<Record<string, number>>,
    private readonly options: RollingOptions = {},
  ) {
    const names = Object.keys(windows);
    if (names.length !== 1) throw new InvalidOperationError(`rolling: give one dimension and its window, e.g. { time: 7 } (got ${names.length})`, {});
    this.dim = names[0]!;
    if (!(this.dim in dataset.dims)) throw new InvalidOperationError(`rolling: no dimension "${this.dim}" (dimensions: ${Object.keys(dataset.dims).join(", ")})`, { attribute: this.dim });
  }

  reduce(fn: RollingOp): T {
    return this.dataset.map((a) => (a.dims.includes(this.dim) ? a.rolling(this.windows, this.options).reduce(fn) : a));
  }
  mean = (): T => this.reduce("mean");
  sum = (): T => this.reduce("sum");
  min = (): T => this.reduce("min");
  max = (): T => this.reduce("max");
  std = (): T => this.reduce("std");
  var = (): T => this.reduce("var");
  count = (): T => this.reduce("count");
  median = (): T => this.reduce("median");
}

export class DatasetWeighted<T> {
  /**
   * @example
   * const globalMeans = ds.weighted(ds.get("temp").coord("lat").deg2rad().cos()).mean(["lat", "lon"]);
   */
  constructor(
    private readonly dataset: Mappable<T> & { readonly dims: Readonly<Record<string, number>> },
    private readonly weights: DataArray,
  ) {}

  reduce(fn: WeightedOp, dims?: Dims): T {
    const known = new Set([...Object.keys(this.dataset.dims), ...this.weights.dims]);
    const list = dims === undefined ? undefined : typeof dims === "string" ? [dims] : [...dims];
    for (const d of list ?? []) {
      if (!known.has(d)) throw new InvalidOperationError(`weighted: no dimension "${d}" (dimensions: ${[...known].join(", ")})`, { attribute: d });
    }
    return this.dataset.map((a) => {
      const mine = list?.filter((d) => a.dims.includes(d) || this.weights.dims.includes(d));
      return new Weighted(a, this.weights).reduce(fn, mine);
    });
  }
  mean = (dims?: Dims): T => this.reduce("mean", dims);
  sum = (dims?: Dims): T => this.reduce("sum", dims);
  std = (dims?: Dims): T => this.reduce("std", dims);
  var = (dims?: Dims): T => this.reduce("var", dims);
  sumOfWeights = (dims?: Dims): T => this.reduce("sum_of_weights", dims);
}
