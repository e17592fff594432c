/** @module Jitter: a random delay after each slot, so many schedules on the same minute do not fire at once. */
import { type Duration, parseDuration } from "../core/duration.ts";

/**
 * A whole number of milliseconds in `[0, jitter]`; 0 without jitter. Deterministic for a given `random`.
 * @example jitterDelay("30s", () => 0.5) // 15000
 */
export function jitterDelay(jitter: Duration | undefined, random: () => number = Math.random): number {
  const max = jitter === undefined ? 0 : Math.floor(parseDuration(jitter) ?? 0);
  if (max <= 0) return 0;
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.min(max, Math.floor(r * (max + 1)));
}
