/**
 * @module `da.coord("time").dt.month`: xarray's `dt` accessors as arrays along time, usable as coordinates and
 * masks (`da.where(da.coord("time").dt.month.isin([6, 7, 8]))`). Components are computed in the axis' own
 * calendar; `date` is the time floored to midnight, in the coordinate's units.
 */
import { type Coordinate, coordinateVariable } from "../array/coords.ts";
import type { DataArray } from "../array/data-array.ts";
import { sourcePlan } from "../array/source.ts";
import type { Variable } from "../dataset.ts";
import { InvalidOperationError, UnsupportedError } from "../errors.ts";
import { type TimeField, timeField } from "../time/fields.ts";
import { decodeTimeCoord, encodeTimes } from "./time-coord.ts";

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
      throw new UnsupportedError('dt.season: string arrays cannot be computed; use dt.month.isin([6, 7, 8]) for a season mask, or groupby("time.season")', {});
    }
    if (values.kind === "time") {
      const c = encodeTimes(time, values.values);
      return a.with({ plan: sourcePlan(coordinateVariable("date", c)), attrs: c.attrs, name: "date" });
    }
    const missing = values.values.some((v) => Number.isNaN(v));
    const c: Coordinate = {
      dims: [dim],
      shape: [values.values.length],
      values: missing ? values.values : BigInt64Array.from(values.values, (v) => BigInt(v)),
      dtype: missing ? "float64" : "int64",
      attrs: {},
    };
    return a.with({ plan: sourcePlan(coordinateVariable(name, c)), attrs: {}, name });
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
  get season(): DataArray {
    return this.field("season");
  }
}

