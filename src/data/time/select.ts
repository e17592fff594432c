/**
 * @module Time selection by date strings, with xarray 2023.01's two behaviours: a standard-calendar axis is a
 * pandas DatetimeIndex (a date as precise as the axis is an exact label and drops the dimension; a coarser one is
 * a partial slice), any other axis is a CFTimeIndex (every string is a partial slice and keeps the dimension).
 * Slice bounds always cover their whole span: `slice("2000-01", "2000-03")` includes all of March.
 */
import type { Calendar } from "../calendar.ts";
import { formatCalendarDate } from "../cf-time.ts";
import { InvalidOperationError } from "../errors.ts";
import { RESOLUTIONS, type Resolution, parseDateString } from "./date-string.ts";
import { fromInstant, searchSorted } from "./instant.ts";

/** Positions chosen along the time axis: a range (dimension kept) or one index (dimension dropped). */
export type TimeSelection = { kind: "range"; start: number; stop: number } | { kind: "index"; index: number };

/** Does xarray decode this axis to datetime64 (pandas) rather than cftime objects? */
export function isPandasAxis(calendar: Calendar, instants: Float64Array, years: ArrayLike<number>): boolean {
  if (calendar !== "standard" && calendar !== "proleptic_gregorian") return false;
  for (let i = 0; i < years.length; i++) {
    if (Number.isNaN(instants[i]!)) continue;
    if (years[i]! < 1678 || years[i]! > 2261 || (calendar === "standard" && years[i]! < 1583)) return false;
  }
  return true;
}

/** The finest resolution an axis needs (pandas' `resolution` of a DatetimeIndex, down to seconds). */
function axisResolution(instants: Float64Array): Resolution {
  let finest = 2;
  for (const t of instants) {
    if (Number.isNaN(t)) continue;
    const level = t % 86400 === 0 ? 2 : t % 3600 === 0 ? 3 : t % 60 === 0 ? 4 : 5;
    if (level > finest) finest = level;
  }
  return RESOLUTIONS[finest]!;
}

/** Range of positions whose instants fall in [start, end) of an ascending axis. */
const range = (instants: Float64Array, start: number, end: number): TimeSelection => ({
  kind: "range",
  start: searchSorted(instants, start, "left"),
  stop: searchSorted(instants, end, "left"),
});

/**
 * Positions of a date string or a slice of date strings (either bound optional, both inclusive of their span).
 * @example
 * selectTime(instants, "noleap", { start: "2000-01", stop: "2000-03" }, false); // { kind: "range", start: 0, stop: 90 }
 */
export function selectTime(
  instants: Float64Array,
  calendar: Calendar,
  label: string | { start?: string | undefined; stop?: string | undefined },
  pandas: boolean,
): TimeSelection {
  if (typeof label !== "string") {
    const start = label.start === undefined ? Number.NEGATIVE_INFINITY : parseDateString(label.start, calendar).start;
    const end = label.stop === undefined ? Number.POSITIVE_INFINITY : parseDateString(label.stop, calendar).end;
    return range(instants, start, end);
  }
  const span = parseDateString(label, calendar);
  const coarser = RESOLUTIONS.indexOf(span.resolution) < RESOLUTIONS.indexOf(axisResolution(instants));
  if (!pandas || coarser) {
    // Like pandas and CFTimeIndex: a span wholly outside the axis is a missing label, one inside may be empty.
    const first = instants[0];
    const last = instants[instants.length - 1];
    if (first === undefined || last === undefined || span.start > last || span.end <= first) throw missing(instants, calendar, label, span.start);
    return range(instants, span.start, span.end);
  }
  const index = searchSorted(instants, span.start, "left");
  if (instants[index] === span.start) return { kind: "index", index };
  throw missing(instants, calendar, label, span.start);
}

/** "no time 2000-02-30 ...; nearest: 2000-02-29T00:00:00, 2000-03-01T00:00:00". */
function missing(instants: Float64Array, calendar: Calendar, label: string, at: number): InvalidOperationError {
  const i = searchSorted(instants, at, "left");
  const near = [instants[i - 1], instants[i]].filter((t): t is number => t !== undefined && !Number.isNaN(t));
  const names = near.map((t) => formatCalendarDate(fromInstant(calendar, t)));
  return new InvalidOperationError(
    `time "${label}" is not in the time coordinate (${calendar} calendar); nearest: ${names.join(", ") || "none (empty axis)"}`,
    { variable: "time" },
  );
}
