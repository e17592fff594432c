/**
 * @module The time coordinate of a labelled array, decoded: raw CF values plus `units`/`calendar` become a
 * TimeAxis and instants; results that carry new times (resample labels, padding) are encoded back in the same
 * units, so they write as the input's time did.
 */
import type { VariableData } from "../dataset.ts";
import { type TimeAxis, decodeTime } from "../cf-time.ts";
import { InvalidOperationError } from "../errors.ts";
import type { Coordinate, Coords } from "../array/coords.ts";
import { axisInstants, toInstant } from "../time/instant.ts";

export interface DecodedTime {
  readonly dim: string;
  readonly coord: Coordinate;
  readonly axis: TimeAxis;
  readonly instants: Float64Array;
}

/** Is this coordinate CF time (`units: "<unit> since <date>"`)? */
export const isTimeCoord = (c: Coordinate | undefined): c is Coordinate & { attrs: { units: string } } =>
  c !== undefined && typeof c.attrs.units === "string" && / since /.test(c.attrs.units);

/** Decodes the 1-D time coordinate of `dim`, or says why it cannot. */
export function decodeTimeCoord(coords: Coords, dim: string, what: string): DecodedTime {
  const coord = coords[dim];
  if (!coord || coord.dims.length !== 1 || coord.dims[0] !== dim || !isTimeCoord(coord)) {
    const found = coord ? `its attributes have no "units: <unit> since <date>"` : `there is no "${dim}" coordinate (coordinates: ${Object.keys(coords).join(", ") || "none"})`;
    throw new InvalidOperationError(`${what} needs a CF time coordinate "${dim}": ${found}`, { variable: dim });
  }
  const axis = decodeTime(coord.values as ArrayLike<number | bigint>, coord.attrs, { variable: dim });
  return { dim, coord, axis, instants: axisInstants(axis) };
}

/** New time values (instants; NaN for missing) in the units and dtype of an existing time coordinate. */
export function encodeTimes(time: DecodedTime, instants: Float64Array, dim = time.dim): Coordinate {
  const { units, calendar } = time.axis;
  const r = units.reference;
  const origin = toInstant(calendar, { year: r.year, month: r.month, day: r.day, hour: r.hour, minute: r.minute, second: r.second });
  const raw = Float64Array.from(instants, (t) => (t - origin) / units.seconds);
  const integral = raw.every((v) => Number.isInteger(v));
  let values: VariableData = raw;
  let dtype = "float64";
  if (integral && time.coord.dtype === "int64") {
    values = BigInt64Array.from(raw, (v) => BigInt(v));
    dtype = "int64";
  } else if (integral && time.coord.dtype === "int32") {
    values = Int32Array.from(raw);
    dtype = "int32";
  }
  return { dims: [dim], shape: [instants.length], values, dtype, attrs: time.coord.attrs };
}
