/**
 * @module Where tick resample bins start: xarray 2023.01's (and pandas 1.5's) `origin` and `offset`
 * (`_adjust_dates_anchored`). Ticks (`3H`, `7D`) are laid on a grid through the origin plus the offset;
 * calendar anchors (`MS`, `QS-DEC`) have their own edges and ignore both, as xarray does. `origin: "end"` or
 * `"end_day"` makes bins closed and labelled on the right by default.
 */
import { type Calendar, dayNumber } from "../calendar.ts";
import { InvalidOperationError } from "../errors.ts";
import { parseDateString } from "./date-string.ts";
import { type Frequency, parseFrequency } from "./frequency.ts";
import { DAY_SECONDS, floorDay } from "./instant.ts";

export const ORIGINS = ["start_day", "start", "epoch", "end", "end_day"] as const;

export interface OriginOptions {
  /** `start_day` (default: midnight of the first day), `start`, `epoch` (1970-01-01 in the axis' calendar), `end`, `end_day`, or a date string in the axis' calendar. */
  origin?: string | undefined;
  /** A fixed span added to the origin: a tick such as `"2D"`, `"6H"`, `"30min"`, `"-1H"`. */
  offset?: string | undefined;
}

/** Seconds of an offset string (a tick frequency, optionally negative). */
export function offsetSeconds(offset: string): number {
  const text = offset.trim();
  const negative = text.startsWith("-");
  let freq: Frequency | undefined;
  try {
    freq = parseFrequency(negative ? text.slice(1) : text);
  } catch {
    freq = undefined; // reported below with what an offset may be
  }
  if (freq?.kind !== "tick") {
    throw new InvalidOperationError(`resample offset "${offset}": expected a fixed span such as "2D", "6H", "30min" or "-1H" (D, H, T or min, S with a multiple)`, {});
  }
  return negative ? -freq.seconds : freq.seconds;
}

/** Whether `origin` ends the bins (xarray then closes and labels them on the right by default). */
export const endOrigin = (origin: string | undefined): boolean => origin === "end" || origin === "end_day";

/** Checks an origin before any data is read, so a typo names the accepted values. */
export function checkOrigin(origin: string | undefined, calendar: Calendar): void {
  if (origin === undefined || (ORIGINS as readonly string[]).includes(origin)) return;
  try {
    parseDateString(origin, calendar);
  } catch (cause) {
    throw new InvalidOperationError(`resample origin "${origin}": expected one of ${ORIGINS.join(", ")}, or a date string in the ${calendar} calendar (${(cause as Error).message})`, {});
  }
}

/**
 * First and last edges of tick bins over [first, last] (instants), as `_adjust_dates_anchored`.
 * @example
 * tickRange(first, last, 3 * 3600, "left", "noleap", { origin: "epoch" }); // [start, end] on a 3-hour grid from 1970
 */
export function tickRange(first: number, last: number, f: number, closed: "left" | "right", calendar: Calendar, options: OriginOptions): [number, number] {
  const origin = options.origin ?? "start_day";
  let start = first;
  let base: number;
  if (origin === "start_day") base = floorDay(first);
  else if (origin === "start") base = first;
  else if (origin === "epoch") base = dayNumber(calendar, 1970, 1, 1) * DAY_SECONDS;
  else if (endOrigin(origin)) {
    const end = origin === "end" ? last : Math.ceil(last / DAY_SECONDS) * DAY_SECONDS;
    const steps = Math.floor((end - first) / f) + (closed === "left" ? 1 : 0);
    start = end - steps * f;
    base = start;
  } else base = parseDateString(origin, calendar).start;
  if (options.offset !== undefined) base += offsetSeconds(options.offset);
  const mod = (x: number) => ((x % f) + f) % f;
  const foffset = mod(start - base);
  const loffset = mod(last - base);
  const lo = foffset > 0 ? start - foffset : closed === "right" ? start - f : start;
  const hi = loffset > 0 ? last + (f - loffset) : closed === "right" ? last : last + f;
  return [lo, hi];
}
