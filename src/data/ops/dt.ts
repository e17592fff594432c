/**
 * @module `da.coord("time").dt.month`: xarray's `dt` accessors as arrays along time, usable as coordinates and
 * masks (`da.where(da.coord("time").dt.month.isin([6, 7, 8]))`). Components are computed in the axis' own
 * calendar; `date` is the time floored to midnight, in the coordinate's units; `season` is a label array
 * (labels.ts): codes 0-3 with `flag_meanings: "DJF MAM JJA SON"`, compared by label (`season.eq("DJF")`) and
 * turned back into strings by `assignCoords`.
 */
import { type Coordinate, coordinateVariable } from "../array/coords.ts";
import type { DataArray } from "../array/data-array.ts";
import { sourcePlan } from "../array/source.ts";
import type { Variable } from "../dataset.ts";
import { InvalidOperationError } from "../errors.ts";
import { type TimeField, timeField } from "../time/fields.ts";
import { flagAttrs } from "./labels.ts";
import { decodeTimeCoord, encodeTimes } from "./time-coord.ts";

/** Season labels in calendar order: the codes of `dt.season`. */
const SEASONS = ["DJF", "MAM", "JJA", "SON"];

/** Whole numbers along `dim` as int64, or float64 when some are NaN (a missing time). */
function numbers(dim: string, values: Float64Array): Coordinate {
  const missing = values.some((v) => Number.isNaN(v));
  return { dims: [dim], shape: [values.length], values: missing ? values : BigInt64Array.from(values, (v) => BigInt(v)), dtype: missing ? "float64" : "int64", attrs: {} };
}

export class TimeAccessor {
  constructor(readonly array: DataArray) {}

  /** One component per time step, as an int64 array (float64 with NaN where a time is missing). */
  field(name: TimeField): DataArray {
    const a = this.array;
    const dim = a.dims[0];
    if (a.dims.length !== 1 || dim === undefined) {
      throw new InvalidOperationError(`dt: use it on a 1-D time array such as da.coord("time") (this one has dimensions ${a.dims.join(", ") || "none"})`, {});
    }
    const time = decodeTimeCoord(a.coords, dim, "dt");
    const values = timeField(time.axis, name);
    if (values.kind === "string") {
      // Label arrays are codes named by CF flags (labels.ts); a missing time has no season (NaN).
      const codes = Float64Array.from(values.values, (label) => (SEASONS.includes(label) ? SEASONS.indexOf(label) : Number.NaN));
      return a.with({ plan: sourcePlan(coordinateVariable(name, numbers(dim, codes))), attrs: flagAttrs(SEASONS), name });
    }
    if (values.kind === "time") {
      const c = encodeTimes(time, values.values);
      return a.with({ plan: sourcePlan(coordinateVariable("date", c)), attrs: c.attrs, name: "date" });
    }
    return a.with({ plan: sourcePlan(coordinateVariable(name, numbers(dim, values.values))), attrs: {}, name });
  }

  get year(): DataArray {
    return this.field("year");
  }
  get month(): DataArray {
    return this.field("month");
  }
  get day(): DataArray {
    return this.field("day");
  }
  get hour(): DataArray {
    return this.field("hour");
  }
  get minute(): DataArray {
    return this.field("minute");
  }
  get second(): DataArray {
    return this.field("second");
  }
  get dayofyear(): DataArray {
    return this.field("dayofyear");
  }
  get date(): DataArray {
    return this.field("date");
  }
  /** Codes 0-3 for DJF, MAM, JJA, SON (attributes `flag_values`/`flag_meanings`); compare with `.eq("DJF")`. */
  get season(): DataArray {
    return this.field("season");
  }
}

