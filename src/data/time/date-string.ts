/**
 * @module Date strings in a dataset's calendar, read as pandas and xarray's CFTimeIndex read them for partial
 * string indexing: "2000" is the whole year, "2000-03" all of March, "2001-02-30" a day only the 360_day
 * calendar has. A string becomes a half-open span of instants [start, end).
 */
import { type Calendar, isValidDate } from "../calendar.ts";
import { InvalidOperationError } from "../errors.ts";
import { DAY_SECONDS, toInstant } from "./instant.ts";

/** How precise a date string is, coarsest first. */
export const RESOLUTIONS = ["year", "month", "day", "hour", "minute", "second"] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** The span a date string covers, in instants. */
export interface DateSpan {
  start: number;
  /** Exclusive. */
  end: number;
  resolution: Resolution;
}

const DATE = /^(-?\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ](\d{1,2})(?::(\d{2})(?::(\d{2}(?:\.\d+)?))?)?)?)?)?$/;

/**
 * Parses an ISO 8601 date string (year to seconds) into the span it covers in a calendar.
 * @example
 * const march = parseDateString("2000-03", "noleap"); // { start, end, resolution: "month" }
 */
export function parseDateString(text: string, calendar: Calendar): DateSpan {
  const match = DATE.exec(text.trim());
  if (!match) {
    throw new InvalidOperationError(
      `date "${text}": expected an ISO 8601 date such as "2000", "2000-03", "2000-03-15" or "2000-03-15T06:00"`,
      {},
    );
  }
  const parts = match.slice(1).map((p) => (p === undefined ? undefined : Number(p)));
  const resolution = RESOLUTIONS[parts.filter((p) => p !== undefined).length - 1]!;
  const [year, month = 1, day = 1, hour = 0, minute = 0, second = 0] = parts as [number, ...(number | undefined)[]];
  if (!isValidDate(calendar, year, month, day) || hour > 23 || minute > 59 || second >= 60) {
    throw new InvalidOperationError(`date "${text}" does not exist in the ${calendar} calendar`, {});
  }
  const start = toInstant(calendar, { year, month, day, hour, minute, second });
  return { start, end: start + spanSeconds(calendar, resolution, year, month, second), resolution };
}

function spanSeconds(calendar: Calendar, resolution: Resolution, year: number, month: number, second: number): number {
  const at = (y: number, m: number) => toInstant(calendar, { year: y, month: m, day: 1, hour: 0, minute: 0, second: 0 });
  switch (resolution) {
    case "year":
      return at(year + 1, 1) - at(year, 1);
    case "month":
      return month === 12 ? at(year + 1, 1) - at(year, 12) : at(year, month + 1) - at(year, month);
    case "day":
      return DAY_SECONDS;
    case "hour":
      return 3600;
    case "minute":
      return 60;
    case "second":
      // "12:00:30.5" spans to the next whole second, as pandas does for fractional seconds.
      return Number.isInteger(second) ? 1 : Math.ceil(second) - second || 1e-6;
  }
}
