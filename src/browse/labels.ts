/**
 * @module Readable labels for a dimension's positions: dates for a CF time coordinate (in its calendar), the
 * coordinate's values otherwise, else the index. Coordinates are small 1-D arrays, read whole.
 */
import { decodeTime, formatCalendarDate, readVariable, type Dataset, type Variable } from "../data/index.ts";

/** Coordinates longer than this are not read for labels (the index is shown). */
const MAX_COORD = 1_000_000;

export function isTimeCoordinate(variable: Variable): boolean {
  return typeof variable.attrs.units === "string" && /\bsince\b/.test(variable.attrs.units);
}

function coordinateOf(dataset: Dataset, dim: string): Variable | undefined {
  const v = dataset.variables[dim];
  return v && v.dims.length === 1 && v.shape[0]! <= MAX_COORD && /^(u?int|float)/.test(v.dtype) ? v : undefined;
}

/** A date without a midnight time: `2021-03-04`, or `2021-03-04T06:00:00`. */
function shortDate(text: string): string {
  return text.endsWith("T00:00:00") ? text.slice(0, 10) : text;
}

/** Labels for the given positions of `dim`, or null when it has no usable coordinate. */
export async function labelsOf(dataset: Dataset, dim: string, positions: readonly number[]): Promise<string[] | null> {
  const coord = coordinateOf(dataset, dim);
  if (!coord) return null;
  const values = (await readVariable(coord)) as ArrayLike<number | bigint>;
  if (isTimeCoordinate(coord)) {
    const picked = positions.map((i) => values[i]!);
    const axis = decodeTime(picked, { ...coord.attrs, ...(coord.encoding.fillValue !== undefined ? { _FillValue: coord.encoding.fillValue } : {}) }, { variable: coord.name });
    return axis.dates.map((d) => (d ? shortDate(formatCalendarDate(d)) : "missing"));
  }
  return positions.map((i) => String(Number(Number(values[i]!).toPrecision(6))));
}

/** True when `dim` is a latitude stored south to north (row 0 at the south), so the map is flipped. */
export async function isAscendingLatitude(dataset: Dataset, dim: string): Promise<boolean> {
  const coord = coordinateOf(dataset, dim);
  if (!coord) return false;
  const a = coord.attrs;
  const latitude = /^lat/i.test(dim) || a.standard_name === "latitude" || (typeof a.units === "string" && /north/i.test(a.units));
  if (!latitude || coord.shape[0]! < 2) return false;
  const values = (await readVariable(coord)) as ArrayLike<number | bigint>;
  return Number(values[0]!) < Number(values[values.length - 1]!);
}
