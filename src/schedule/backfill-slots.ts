/**
 * @module The slots a backfill covers: every slot of the schedule in `[from, to]` (both ends included), with the
 * range checked first: reversed, empty, or over {@link MAX_BACKFILL_SLOTS} without confirmation is a clear error.
 */
import { ValidationError, type Diagnostic } from "../core/errors.ts";
import type { CronTiming } from "./cron.ts";
import { slotsBetween } from "./slots.ts";

/** Past this many slots a backfill needs an explicit confirmation (`--yes`, `yes: true`). */
export const MAX_BACKFILL_SLOTS = 10_000;
/** Never more than this, confirmed or not: one backfill should not be a million runs. */
export const HARD_MAX_BACKFILL_SLOTS = 100_000;

const at = (ms: number): string => new Date(ms).toISOString();

/**
 * @example backfillSlots({ cron: "0 2 * * *", timezone: "UTC" }, Date.UTC(2025, 2, 1), Date.UTC(2025, 2, 31, 23), { yes: false })
 */
export function backfillSlots(timing: CronTiming, from: number, to: number, opts: { yes: boolean; scheduleId: string }): number[] {
  const fail = (d: Omit<Diagnostic, "message"> & { message: string }): never => {
    throw new ValidationError([d]);
  };
  if (to < from) fail({ path: "to", code: "reversed_range", message: `to (${at(to)}) is before from (${at(from)})` });
  const slots = slotsBetween(timing, from - 1, to, HARD_MAX_BACKFILL_SLOTS + 1);
  if (slots.length === 0) {
    fail({ path: "from", code: "empty_range", message: `schedule ${opts.scheduleId} (${timing.cron}, ${timing.timezone}) has no slot between ${at(from)} and ${at(to)}` });
  }
  if (slots.length > HARD_MAX_BACKFILL_SLOTS) {
    fail({ path: "to", code: "too_many_slots", message: `more than ${HARD_MAX_BACKFILL_SLOTS} slots between ${at(from)} and ${at(to)}; split the range` });
  }
  if (slots.length > MAX_BACKFILL_SLOTS && !opts.yes) {
    fail({ path: "yes", code: "too_many_slots", message: `${slots.length} slots (more than ${MAX_BACKFILL_SLOTS}) between ${at(from)} and ${at(to)}: confirm with --yes (API: "yes": true)` });
  }
  return slots;
}
