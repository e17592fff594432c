/**
 * @module Slot times: the instants at which a schedule fires, with floe's DST rules applied.
 *
 * DST: cron fields match local wall-clock times. A local time that does not exist (spring forward, e.g. 02:30 in
 * Europe/Paris on 2025-03-30) fires once, at the next valid time: the instant the clock jumps (03:00 local); all
 * slots inside one gap fire together, once. A local time that happens twice (fall back) fires once, at its first
 * occurrence. (cron-parser alone would fire a skipped 02:30 at 03:30 and, going backwards, return both 02:30s.)
 */
import { type CronTiming, assertTiming, matchingWalls } from "./cron.ts";
import { offsetRange, wallToInstant } from "./time-zone.ts";

/** The next `count` slots strictly after `after` (epoch ms), ascending. */
export function nextSlots(timing: CronTiming, after: number, count: number): number[] {
  return slotsBetween(timing, after, Number.POSITIVE_INFINITY, count);
}

/**
 * Slots in `(fromExclusive, toInclusive]`, ascending, at most `limit` of them: the earliest ones, or with
 * `take: "latest"` the most recent ones (walking backwards from `toInclusive`, so a long gap costs nothing).
 * @example slotsBetween({ cron: "0 2 * * *", timezone: "Europe/Paris" }, cursor, now, 3, "latest")
 */
export function slotsBetween(
  timing: CronTiming,
  fromExclusive: number,
  toInclusive: number,
  limit: number,
  take: "earliest" | "latest" = "earliest",
): number[] {
  assertTiming(timing);
  if (!(limit > 0) || !(toInclusive > fromExclusive)) return [];
  const out: number[] = [];
  for (const slot of take === "earliest" ? forward(timing, fromExclusive) : backward(timing, toInclusive)) {
    if (take === "earliest" ? slot > toInclusive : slot <= fromExclusive) break;
    out.push(slot);
    if (out.length >= limit) break;
  }
  return take === "earliest" ? out : out.reverse();
}

/** The most recent slot at or before `atOrBefore`, if any. */
export function previousSlot(timing: CronTiming, atOrBefore: number): number | undefined {
  return slotsBetween(timing, Number.NEGATIVE_INFINITY, atOrBefore, 1, "latest")[0];
}

/** Distinct slots strictly after `after`, ascending. Wall → instant is non-decreasing, so dedupe neighbours. */
function* forward({ cron, timezone }: CronTiming, after: number): Generator<number> {
  // Any wall whose instant is after `after` lies after `after + min offset`; start a second early to be safe.
  const start = Number.isFinite(after) ? after + offsetRange(after, timezone).min - 1000 : Date.UTC(1970, 0, 1);
  let last = Number.NEGATIVE_INFINITY;
  for (const wall of matchingWalls(cron, start, "forward")) {
    const slot = wallToInstant(wall, timezone);
    if (slot <= after || slot === last) continue;
    last = slot;
    yield slot;
  }
}

/** Distinct slots at or before `atOrBefore`, descending. */
function* backward({ cron, timezone }: CronTiming, atOrBefore: number): Generator<number> {
  const start = atOrBefore + offsetRange(atOrBefore, timezone).max + 1000;
  let last = Number.POSITIVE_INFINITY;
  for (const wall of matchingWalls(cron, start, "backward")) {
    const slot = wallToInstant(wall, timezone);
    if (slot > atOrBefore || slot === last) continue;
    last = slot;
    yield slot;
  }
}
