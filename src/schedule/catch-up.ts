/**
 * @module Catch-up policy: which slots fire now, given the cursor (last slot handled) and the time. Slots missed
 * while the daemon was down follow `schedule.catchUp`; a slot at most `graceMs` late is on time, not missed.
 */
import type { Schedule } from "../../schemas/schedule.ts";
import { parseDuration } from "../core/duration.ts";
import { slotsBetween } from "./slots.ts";

/** How late a slot may fire and still count as on time (a busy event loop, a slow fire of an earlier slot). */
export const DEFAULT_GRACE_MS = 60_000;

export interface DueSlotsInput {
  schedule: Pick<Schedule, "cron" | "timezone" | "catchUp">;
  /** Last slot handled, or undefined for a schedule that has never run. */
  cursor: number | undefined;
  now: number;
  graceMs?: number;
}

export interface DueSlots {
  /** Slots to fire now, ascending. */
  slots: number[];
  /** The cursor once these are handled: the latest slot at or before `now`, fired or given up. */
  cursor: number;
}

/**
 * - brand-new schedule (no cursor): nothing fires, the cursor starts at `now`;
 * - `"none"`: only an on-time slot fires; missed ones are given up;
 * - `"latest"`: the most recent slot since the cursor fires, however late;
 * - `{ maxSlots, window }`: the `maxSlots` most recent slots since the cursor and within `window` of now (an on-time
 *   slot always qualifies).
 * @example dueSlots({ schedule, cursor: lastSlot, now: clock.now() }) // { slots: [...], cursor: ... }
 */
export function dueSlots({ schedule, cursor, now, graceMs = DEFAULT_GRACE_MS }: DueSlotsInput): DueSlots {
  if (cursor === undefined) return { slots: [], cursor: now };
  const latest = slotsBetween(schedule, cursor, now, 1, "latest")[0];
  if (latest === undefined) return { slots: [], cursor };
  const { catchUp } = schedule;
  if (catchUp === "none") return { slots: now - latest <= graceMs ? [latest] : [], cursor: latest };
  if (catchUp === "latest") return { slots: [latest], cursor: latest };
  const windowMs = catchUp.window === undefined ? Number.POSITIVE_INFINITY : (parseDuration(catchUp.window) ?? 0);
  const from = Math.max(cursor, now - Math.max(windowMs, graceMs));
  return { slots: slotsBetween(schedule, from, now, catchUp.maxSlots, "latest"), cursor: latest };
}
