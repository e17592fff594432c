/**
 * @module `da.resample({ time: "MS" })`: reductions over contiguous time bins (xarray's resample), in every CF
 * calendar. Bins and labels come from time/resample-bins.ts; the reduction is a `group-reduce` node, so it
 * streams like a groupby. Bins with no time step are NaN for every reduction (count becomes float64), as
 * xarray 2023.01 without flox gives them.
 */
import type { DataArray } from "../array/data-array.ts";
import type { Reduction } from "../array/reduce-kernel.ts";
import { InvalidOperationError, UnsupportedError } from "../errors.ts";
import { parseFrequency } from "../time/frequency.ts";
import { type ResampleOptions, resampleBins } from "../time/resample-bins.ts";
import { reduceGroups } from "./time-groupby.ts";
import { type DecodedTime, decodeTimeCoord, encodeTimes } from "./time-coord.ts";

export type { ResampleOptions };

export class Resample {
  readonly time: DecodedTime;
  readonly bins: ReturnType<typeof resampleBins>;

  /**
   * @example
   * const monthly = da.resample({ time: "MS" }).mean();
   * const quarterly = da.resample({ time: "QS-DEC" }, { closed: "left" }).sum();
   */
  constructor(
    readonly array: DataArray,
    frequency: Readonly<Record<string, string>>,
    options: ResampleOptions = {},
  ) {
    const entries = Object.entries(frequency);
    if (entries.length !== 1) throw new InvalidOperationError(`resample: give one dimension and a frequency, e.g. { time: "MS" } (got ${entries.length})`, {});
    const [dim, freq] = entries[0]!;
    if (!array.dims.includes(dim)) throw new InvalidOperationError(`resample: no dimension "${dim}" (dimensions: ${array.dims.join(", ")})`, { attribute: dim });
    this.time = decodeTimeCoord(array.coords, dim, "resample");
    this.bins = resampleBins(this.time.instants, this.time.axis.calendar, parseFrequency(freq), options);
  }

  reduce(fn: Reduction, options: { ddof?: number | undefined; q?: number | readonly number[] | undefined } = {}): DataArray {
    if (fn === "any" || fn === "all" || fn === "prod") throw new UnsupportedError(`resample: "${fn}" is not supported (mean, sum, min, max, std, var, count, median, quantile)`, {});
    const labels = encodeTimes(this.time, this.bins.labels);
    return reduceGroups(this.array, this.time, this.time.dim, this.bins, labels, fn, { ...options, emptyIsNaN: true, contiguous: true });
  }
  mean = (): DataArray => this.reduce("mean");
  sum = (): DataArray => this.reduce("sum");
  min = (): DataArray => this.reduce("min");
  max = (): DataArray => this.reduce("max");
  std = (options?: { ddof?: number }): DataArray => this.reduce("std", options);
  var = (options?: { ddof?: number }): DataArray => this.reduce("var", options);
  count = (): DataArray => this.reduce("count");
  median = (): DataArray => this.reduce("median");
  /** numpy's linear quantile per bin (a list of q adds a trailing `quantile` dimension). */
  quantile = (q: number | readonly number[]): DataArray => this.reduce("quantile", { q });
}
