/** @module Schedules: stable ids, cron slots with time zones and DST rules, catch-up, overlap, jitter, the loop. */
export { scheduleId } from "./schedule-id.ts";
export { type CronTiming, validateCron, validateTimeZone, validateTiming, assertTiming } from "./cron.ts";
export { nextSlots, slotsBetween, previousSlot } from "./slots.ts";
export { type DueSlotsInput, type DueSlots, DEFAULT_GRACE_MS, dueSlots } from "./catch-up.ts";
export { type ActiveRun, type OverlapDecision, decideOverlap } from "./overlap.ts";
export { jitterDelay } from "./jitter.ts";
export { type ScheduledTarget, type SchedulerDeps, type Scheduler, createScheduler } from "./scheduler.ts";
export { ScheduleError, isScheduleError } from "./errors.ts";
export { MAX_BACKFILL_SLOTS, HARD_MAX_BACKFILL_SLOTS, backfillSlots } from "./backfill-slots.ts";
