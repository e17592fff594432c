/**
 * @module CF calendars as day-number arithmetic. Every calendar maps (year, month, day) to an integer day
 * number and back; dates in non-standard calendars stay calendar dates and are never converted to real days.
 * Years are astronomical (year 0 exists) in every calendar.
 */

/** Canonical CF calendar names. */
export const CALENDARS = ["standard", "proleptic_gregorian", "noleap", "all_leap", "360_day", "julian"] as const;
export type Calendar = (typeof CALENDARS)[number];

/** Every name CF allows, mapped to its canonical calendar. */
const ALIASES: Record<string, Calendar> = {
  standard: "standard",
  gregorian: "standard",
  proleptic_gregorian: "proleptic_gregorian",
  noleap: "noleap",
  "365_day": "noleap",
  all_leap: "all_leap",
  "366_day": "all_leap",
  "360_day": "360_day",
  julian: "julian",
};

/** The canonical calendar for a CF name (case-insensitive), or undefined when unknown. */
export function parseCalendar(name: string): Calendar | undefined {
  return ALIASES[name.trim().toLowerCase()];
}

/** A date in some calendar, with seconds possibly fractional. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const NOLEAP_START = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
const LEAP_START = [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366];
/** Julian day number of 1582-10-15, the first Gregorian day of the `standard` calendar. */
const GREGORIAN_START_JDN = 2299161;

const floorDiv = (a: number, b: number): number => Math.floor(a / b);

function gregorianToJdn(y: number, m: number, d: number): number {
  const a = floorDiv(14 - m, 12);
  const yy = y + 4800 - a;
  const mm = m + 12 * a - 3;
  return d + floorDiv(153 * mm + 2, 5) + 365 * yy + floorDiv(yy, 4) - floorDiv(yy, 100) + floorDiv(yy, 400) - 32045;
}

function julianToJdn(y: number, m: number, d: number): number {
  const a = floorDiv(14 - m, 12);
  const yy = y + 4800 - a;
  const mm = m + 12 * a - 3;
  return d + floorDiv(153 * mm + 2, 5) + 365 * yy + floorDiv(yy, 4) - 32083;
}

type Ymd = [year: number, month: number, day: number];

function jdnToGregorian(j: number): Ymd {
  const a = j + 32044;
  const b = floorDiv(4 * a + 3, 146097);
  const c = a - floorDiv(146097 * b, 4);
  const d = floorDiv(4 * c + 3, 1461);
  const e = c - floorDiv(1461 * d, 4);
  const m = floorDiv(5 * e + 2, 153);
  return [100 * b + d - 4800 + floorDiv(m, 10), m + 3 - 12 * floorDiv(m, 10), e - floorDiv(153 * m + 2, 5) + 1];
}

function jdnToJulian(j: number): Ymd {
  const c = j + 32082;
  const d = floorDiv(4 * c + 3, 1461);
  const e = c - floorDiv(1461 * d, 4);
  const m = floorDiv(5 * e + 2, 153);
  return [d - 4800 + floorDiv(m, 10), m + 3 - 12 * floorDiv(m, 10), e - floorDiv(153 * m + 2, 5) + 1];
}

function fixedYear(n: number, length: number, starts: readonly number[]): Ymd {
  const year = floorDiv(n, length);
  const doy = n - year * length;
  let month = 1;
  while (month < 12 && doy >= starts[month]!) month++;
  return [year, month, doy - starts[month - 1]! + 1];
}

/** Day number of a date in a calendar (the epoch differs per calendar; only differences matter). */
export function dayNumber(calendar: Calendar, year: number, month: number, day: number): number {
  switch (calendar) {
    case "proleptic_gregorian":
      return gregorianToJdn(year, month, day);
    case "julian":
      return julianToJdn(year, month, day);
    case "standard": {
      const g = gregorianToJdn(year, month, day);
      return g >= GREGORIAN_START_JDN ? g : julianToJdn(year, month, day);
    }
    case "noleap":
      return year * 365 + NOLEAP_START[month - 1]! + day - 1;
    case "all_leap":
      return year * 366 + LEAP_START[month - 1]! + day - 1;
    case "360_day":
      return year * 360 + (month - 1) * 30 + day - 1;
  }
}

/** The (year, month, day) of a day number in a calendar. */
export function fromDayNumber(calendar: Calendar, n: number): Ymd {
  switch (calendar) {
    case "proleptic_gregorian":
      return jdnToGregorian(n);
    case "julian":
      return jdnToJulian(n);
    case "standard":
      return n >= GREGORIAN_START_JDN ? jdnToGregorian(n) : jdnToJulian(n);
    case "noleap":
      return fixedYear(n, 365, NOLEAP_START);
    case "all_leap":
      return fixedYear(n, 366, LEAP_START);
    case "360_day": {
      const year = floorDiv(n, 360);
      const doy = n - year * 360;
      return [year, floorDiv(doy, 30) + 1, (doy % 30) + 1];
    }
  }
}

/** Does this date exist in the calendar (e.g. Feb 29 in noleap, Feb 30 in 360_day)? */
export function isValidDate(calendar: Calendar, year: number, month: number, day: number): boolean {
  if (!Number.isInteger(month) || month < 1 || month > 12 || !Number.isInteger(day) || day < 1) return false;
  const [y, m, d] = fromDayNumber(calendar, dayNumber(calendar, year, month, day));
  return y === year && m === month && d === day;
}
