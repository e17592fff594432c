/**
 * @module CF time decoding: `"<unit> since <date>"` plus a calendar attribute to calendar dates, the way
 * cftime/xarray read them. Non-standard calendars give calendar dates, never converted to real days.
 */
import { type Calendar, type CalendarDate, dayNumber, fromDayNumber, isValidDate, parseCalendar } from "./calendar.ts";
import { type DataErrorContext, InvalidDatasetError, where } from "./errors.ts";

const UNIT_SECONDS: Record<string, number> = {};
for (const [seconds, names] of [
  [86400, ["days", "day", "d"]],
  [3600, ["hours", "hour", "hrs", "hr", "h"]],
  [60, ["minutes", "minute", "mins", "min"]],
  [1, ["seconds", "second", "secs", "sec", "s"]],
  [1e-3, ["milliseconds", "millisecond", "msecs", "msec", "ms"]],
  [1e-6, ["microseconds", "microsecond", "usecs", "usec", "us"]],
] as const) {
  for (const name of names) UNIT_SECONDS[name] = seconds;
}

const REFERENCE =
  /^(-?\d{1,5})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2}(?:\.\d*)?))?)?\s*(Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)?$/i;

/** Parsed `units` of a CF time variable. */
export interface TimeUnits {
  unit: string;
  /** Length of one unit in seconds. */
  seconds: number;
  reference: CalendarDate;
}

/** Parses `"days since 2000-01-01 00:00:00"`; throws {@link InvalidDatasetError} naming the attribute. */
export function parseTimeUnits(units: unknown, calendar: Calendar, context: DataErrorContext = {}): TimeUnits {
  const ctx = { ...context, attribute: "units" };
  const fail = (why: string) => new InvalidDatasetError(`${where(ctx)}: ${why}`, ctx);
  if (typeof units !== "string") throw fail(`expected a string like "days since 2000-01-01", got ${JSON.stringify(units)}`);
  const match = /^\s*([A-Za-z]+)\s+since\s+(.+?)\s*$/.exec(units);
  if (!match) throw fail(`cannot parse time units "${units}" (expected "<unit> since <date>")`);
  const unit = match[1]!.toLowerCase();
  const seconds = UNIT_SECONDS[unit];
  if (seconds === undefined) throw fail(`unsupported time unit "${match[1]}" in "${units}"`);
  const ref = REFERENCE.exec(match[2]!);
  if (!ref) throw fail(`cannot parse reference date "${match[2]}" in "${units}"`);
  const [year, month, day] = [Number(ref[1]), Number(ref[2]), Number(ref[3])];
  if (!isValidDate(calendar, year, month, day)) {
    throw fail(`reference date "${match[2]}" does not exist in the ${calendar} calendar`);
  }
  let minute = Number(ref[5] ?? 0);
  let hour = Number(ref[4] ?? 0);
  const zone = ref[7];
  if (zone && /^[+-]/.test(zone)) {
    // A reference in another zone: shift to UTC, as cftime does.
    const [, sign, hh, mm] = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone) ?? [];
    const offset = (Number(hh ?? 0) * 60 + Number(mm ?? 0)) * (sign === "-" ? -1 : 1);
    minute -= offset;
    hour += Math.floor(minute / 60);
    minute -= Math.floor(minute / 60) * 60;
  }
  return { unit, seconds, reference: { year, month, day, hour, minute, second: Number(ref[6] ?? 0) } };
}

/** A decoded time axis: calendar dates, plus month and year arrays for grouping. */
export interface TimeAxis {
  calendar: Calendar;
  units: TimeUnits;
  dates: (CalendarDate | undefined)[];
  /** 1..12, or 0 where the value is missing (NaN or fill value). */
  months: Uint8Array;
  years: Int32Array;
}

/** Reads the calendar attribute (default `standard`), throwing on unknown names. */
export function calendarOf(attrs: Record<string, unknown>, context: DataErrorContext = {}): Calendar {
  const raw = attrs.calendar ?? "standard";
  const calendar = typeof raw === "string" ? parseCalendar(raw) : undefined;
  if (!calendar) {
    const ctx = { ...context, attribute: "calendar" };
    throw new InvalidDatasetError(`${where(ctx)}: unknown calendar ${JSON.stringify(raw)}`, ctx);
  }
  return calendar;
}

/**
 * Decodes raw time values with their `units` and `calendar` attributes.
 * @example
 * const axis = decodeTime([0, 31, 59], { units: "days since 2001-01-01", calendar: "noleap" });
 * axis.months; // Uint8Array [1, 2, 3]
 */
export function decodeTime(
  values: ArrayLike<number | bigint>,
  attrs: Record<string, unknown>,
  context: DataErrorContext = {},
): TimeAxis {
  const calendar = calendarOf(attrs, context);
  const units = parseTimeUnits(attrs.units, calendar, context);
  const fill = attrs._FillValue ?? attrs.missing_value;
  const { reference: r } = units;
  const refDay = dayNumber(calendar, r.year, r.month, r.day);
  const refSeconds = r.hour * 3600 + r.minute * 60 + r.second;
  const dates: (CalendarDate | undefined)[] = new Array(values.length);
  const months = new Uint8Array(values.length);
  const years = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = Number(values[i]);
    if (!Number.isFinite(value) || (fill !== undefined && value === Number(fill))) continue;
    // Microsecond rounding keeps 0.1-day steps from landing on 59.999999 s.
    const total = Math.round((refSeconds + value * units.seconds) * 1e6) / 1e6;
    const days = Math.floor(total / 86400);
    const rest = total - days * 86400;
    const [year, month, day] = fromDayNumber(calendar, refDay + days);
    const hour = Math.floor(rest / 3600);
    const minute = Math.floor((rest - hour * 3600) / 60);
    dates[i] = { year, month, day, hour, minute, second: Math.round((rest - hour * 3600 - minute * 60) * 1e6) / 1e6 };
    months[i] = month;
    years[i] = year;
  }
  return { calendar, units, dates, months, years };
}

/** `2001-02-28T12:00:00` for a calendar date (no zone: it may not be a real-world day). */
export function formatCalendarDate(date: CalendarDate): string {
  const pad = (n: number, w = 2) => String(Math.trunc(n)).padStart(w, "0");
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}T${pad(date.hour)}:${pad(date.minute)}:${pad(date.second)}`;
}
