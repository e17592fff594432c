/**
 * @module xarray's `dt` accessors on a decoded time axis: `year month day hour minute second dayofyear season
 * date`, computed in the axis' own calendar (dayofyear runs to 360 in 360_day, to 366 in all_leap).
 */
import { dayNumber } from "../calendar.ts";
import type { TimeAxis } from "../cf-time.ts";
import { InvalidOperationError } from "../errors.ts";
import { toInstant } from "./instant.ts";

export const TIME_FIELDS = ["year", "month", "day", "hour", "minute", "second", "dayofyear", "season", "date"] as const;
export type TimeField = (typeof TIME_FIELDS)[number];

/** Values of a field: integers (NaN where the time is missing), season labels, or `date` as midnight instants. */
export type FieldValues =
  | { kind: "int"; values: Float64Array }
  | { kind: "string"; values: string[] }
  | { kind: "time"; values: Float64Array };

const SEASON_OF_MONTH = ["nan", "DJF", "DJF", "MAM", "MAM", "MAM", "JJA", "JJA", "JJA", "SON", "SON", "SON", "DJF"];

/** Narrows a user's field name, or lists the ones there are. */
export function parseTimeField(name: string): TimeField {
  if ((TIME_FIELDS as readonly string[]).includes(name)) return name as TimeField;
  throw new InvalidOperationError(`unknown time component "${name}" (supported: ${TIME_FIELDS.join(", ")})`, {});
}

/**
 * One `dt` component per time step.
 * @example
 * timeField(decodeTime([0, 40], { units: "days since 2001-01-01", calendar: "360_day" }), "dayofyear"); // 1, 41
 */
export function timeField(axis: TimeAxis, field: TimeField): FieldValues {
  const { dates, calendar } = axis;
  if (field === "season") return { kind: "string", values: dates.map((d) => SEASON_OF_MONTH[d?.month ?? 0]!) };
  if (field === "date") {
    return { kind: "time", values: Float64Array.from(dates, (d) => (d ? toInstant(calendar, { ...d, hour: 0, minute: 0, second: 0 }) : Number.NaN)) };
  }
  const values = Float64Array.from(dates, (d) => {
    if (!d) return Number.NaN;
    if (field === "dayofyear") return dayNumber(calendar, d.year, d.month, d.day) - dayNumber(calendar, d.year, 1, 1) + 1;
    return field === "second" ? Math.floor(d.second) : d[field];
  });
  return { kind: "int", values };
}
