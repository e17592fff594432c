/**
 * @module Wall-clock time in an IANA zone. A "wall" value is the local date-time written as if it were UTC
 * milliseconds (so 02:30 local on 2025-03-30 is `Date.UTC(2025, 2, 30, 2, 30)`); cron fields match wall values,
 * and {@link wallToInstant} turns a wall value into the one instant that fires, applying floe's DST rules.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall value of `instant` in `timeZone` (milliseconds are kept as they are). */
export function instantToWall(instant: number, timeZone: string): number {
  if (timeZone === "UTC") return instant;
  const ms = ((instant % 1000) + 1000) % 1000;
  const p: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant - ms)) {
    if (part.type !== "literal") p[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = p;
  // Date.UTC maps years 0-99 to 1900s; setUTCFullYear keeps them literal
  const d = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, ms));
  d.setUTCFullYear(year);
  return d.getTime();
}

/** UTC offset of `timeZone` at `instant`, in milliseconds (Paris in summer: +7_200_000). */
export function offsetAt(instant: number, timeZone: string): number {
  return instantToWall(instant, timeZone) - instant;
}

// Zones change offset at most once within this span (Samoa's 2011 day-skip is the widest real gap).
const SPAN_MS = 2 * 86_400_000;

/** Smallest and largest offset in force within a couple of days of `instant`. */
export function offsetRange(instant: number, timeZone: string): { min: number; max: number } {
  const offsets = [instant - SPAN_MS, instant, instant + SPAN_MS].map((t) => offsetAt(t, timeZone));
  return { min: Math.min(...offsets), max: Math.max(...offsets) };
}

/**
 * The instant at which wall value `wall` fires in `timeZone`:
 * - it exists once: that instant;
 * - it exists twice (fall back): the first of the two, so it fires once;
 * - it does not exist (spring forward): the first instant after the gap, i.e. the next valid local time.
 */
export function wallToInstant(wall: number, timeZone: string): number {
  if (timeZone === "UTC") return wall;
  const before = offsetAt(wall - SPAN_MS, timeZone);
  const after = offsetAt(wall + SPAN_MS, timeZone);
  const candidates = [wall - before, wall - after].filter((t) => instantToWall(t, timeZone) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  if (before >= after) return wall - before; // not a gap after all (more than one change within the span)
  // In a gap the offset grows (before < after): search [wall - after, wall - before] for the transition.
  let lo = wall - after; // still on the old offset
  let hi = wall - before; // already on the new offset
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(mid, timeZone) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}
