/**
 * @module The scheduler loop: sleeps (on the injected clock, abortably) until the earliest next slot of any
 * schedule, then fires the slots due under each schedule's catch-up policy. It never fires a slot twice: the
 * persisted cursor (`getCursor`, advanced by `fire` in the run's own transaction) is the source of truth, and
 * slots handed to `fire` are remembered by schedule id across `setSchedules` reloads and edits.
 */
import type { Schedule } from "../../schemas/schedule.ts";
import type { Clock } from "../core/clock.ts";
import { DEFAULT_GRACE_MS, dueSlots } from "./catch-up.ts";
import { assertTiming } from "./cron.ts";
import { jitterDelay } from "./jitter.ts";
import { scheduleId } from "./schedule-id.ts";
import { nextSlots } from "./slots.ts";

/** A schedule as the scheduler knows it: its stable id, its pipeline and its parsed definition. */
export interface ScheduledTarget {
  id: string;
  pipeline: string;
  schedule: Schedule;
}

export interface SchedulerDeps {
  clock: Clock;
  /** The persisted cursor: last slot handled for this schedule id, or undefined if it never fired. */
  getCursor(id: string): number | undefined;
  /** Creates the run for (pipeline, schedule id, slot) and advances the cursor to `slotAt`, in one transaction. */
  fire(target: ScheduledTarget, slotAt: number): Promise<void>;
  onError(error: unknown, target?: ScheduledTarget): void;
  /** Source of jitter (default Math.random). */
  random?: () => number;
  /** How late a slot may be and still count as on time (default 60 s). */
  graceMs?: number;
}

export interface Scheduler {
  start(): void;
  /** Stops firing, aborts jitter waits, and resolves once in-flight `fire` calls have settled. */
  stop(): Promise<void>;
  /** Replaces the set of schedules (hot reload); schedules left out stop. */
  setSchedules(list: readonly { pipeline: string; schedule: Schedule }[]): void;
  [Symbol.asyncDispose](): Promise<void>;
}

// setTimeout overflows past ~24.8 days; waking at least once a minute also notices wall-clock jumps and suspend.
const MAX_SLEEP_MS = 60_000;
// After an error (say the store is busy), look again this soon: slots stay on time, the log is not flooded.
const RETRY_MS = 1_000;

interface Entry {
  target: ScheduledTarget;
  /** In-memory lower bound of the cursor: where a new, resumed or edited schedule starts, or slots given up. */
  floor: number | undefined;
  /** Cached next slot after `after` (a later persisted cursor can only move it later); reset when retimed. */
  next: { after: number; at: number | undefined } | undefined;
  busy: boolean;
}

/**
 * @example
 * await using scheduler = createScheduler({ clock: systemClock, getCursor, fire, onError: console.error });
 * scheduler.setSchedules([{ pipeline: "seasonal-means", schedule }]);
 * scheduler.start();
 */
export function createScheduler(deps: SchedulerDeps): Scheduler {
  const { clock, graceMs = DEFAULT_GRACE_MS } = deps;
  const entries = new Map<string, Entry>();
  /** Highest slot handed to `fire` per schedule id; kept after removal so a re-added schedule cannot repeat one. */
  const fired = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  let running = false;
  let stopper = new AbortController();
  let kicker = new AbortController();
  let loopDone: Promise<void> = Promise.resolve();

  const kick = (): void => kicker.abort();
  const maxOf = (...xs: (number | undefined)[]): number | undefined => {
    const defined = xs.filter((x) => x !== undefined);
    return defined.length > 0 ? Math.max(...defined) : undefined;
  };
  const handledUpTo = (id: string): number | undefined => maxOf(deps.getCursor(id), fired.get(id));

  /** Fires what is due now, or returns when this entry next needs the loop. */
  function step(entry: Entry, now: number): number {
    const { id, schedule } = entry.target;
    const due = dueSlots({ schedule, cursor: maxOf(handledUpTo(id), entry.floor), now, graceMs });
    entry.floor = maxOf(entry.floor, due.cursor);
    if (due.slots.length > 0) {
      entry.busy = true;
      const done = fireSlots(entry, due.slots)
        .catch((error: unknown) => deps.onError(error, entry.target))
        .finally(() => {
          entry.busy = false;
          inFlight.delete(done);
          kick();
        });
      inFlight.add(done);
      return Number.POSITIVE_INFINITY; // the kick on completion brings the loop back
    }
    if (entry.next?.after !== due.cursor) entry.next = { after: due.cursor, at: nextSlots(schedule, due.cursor, 1)[0] };
    return entry.next.at ?? Number.POSITIVE_INFINITY;
  }

  async function fireSlots(entry: Entry, slots: readonly number[]): Promise<void> {
    const { id } = entry.target;
    const live = (): boolean => running && entries.get(id) === entry && !entry.target.schedule.paused;
    for (const slot of slots) {
      const delay = jitterDelay(entry.target.schedule.jitter, deps.random);
      if (delay > 0) await clock.sleep(delay, stopper.signal).catch(() => undefined);
      // removed, paused or stopped meanwhile, or the slot already handled (another writer, a reload)
      if (!live() || slot <= (handledUpTo(id) ?? Number.NEGATIVE_INFINITY)) continue;
      fired.set(id, slot);
      try {
        await deps.fire(entry.target, slot);
      } catch (error) {
        deps.onError(error, entry.target); // not retried here: the persisted cursor decides after a restart
      }
    }
  }

  async function loop(): Promise<void> {
    while (running) {
      kicker = new AbortController();
      const now = clock.now();
      let wakeAt = Number.POSITIVE_INFINITY;
      for (const entry of entries.values()) {
        if (entry.busy || entry.target.schedule.paused) continue;
        // not due yet: skip the cron work, so a wake costs only the schedules that fire
        if (entry.next !== undefined && !((entry.next.at ?? Number.POSITIVE_INFINITY) <= now)) {
          wakeAt = Math.min(wakeAt, entry.next.at ?? Number.POSITIVE_INFINITY);
          continue;
        }
        try {
          wakeAt = Math.min(wakeAt, step(entry, now));
        } catch (error) {
          deps.onError(error, entry.target);
          wakeAt = Math.min(wakeAt, now + RETRY_MS);
        }
      }
      if (!running) break;
      const delay = Math.min(Math.max(0, wakeAt - clock.now()), MAX_SLEEP_MS);
      await clock.sleep(delay, kicker.signal).catch(() => undefined);
    }
  }

  function setSchedules(list: readonly { pipeline: string; schedule: Schedule }[]): void {
    const now = clock.now();
    const keep = new Set<string>();
    for (const { pipeline, schedule } of list) {
      const target: ScheduledTarget = { id: scheduleId(pipeline, schedule.name), pipeline, schedule };
      keep.add(target.id);
      const old = entries.get(target.id);
      let fresh: boolean;
      try {
        assertTiming(schedule, target.id);
        // never fired (start from now, not from when the loop first looks) or re-added after removal in this
        // process (like a resume: no catch-up for the time it was gone)
        fresh = old === undefined && (fired.has(target.id) || deps.getCursor(target.id) === undefined);
      } catch (error) {
        deps.onError(error, target); // keeps the last good version of this schedule, if any
        continue;
      }
      if (old === undefined) {
        entries.set(target.id, { target, floor: fresh ? now : undefined, next: undefined, busy: false });
        continue;
      }
      const prev = old.target.schedule;
      const retimed = prev.cron !== schedule.cron || prev.timezone !== schedule.timezone;
      // an edited cron starts afresh from now (its earlier slots were never due); a resume skips the paused time
      if (retimed || (prev.paused && !schedule.paused)) old.floor = maxOf(old.floor, now);
      if (retimed || prev.paused !== schedule.paused) old.next = undefined; // a reload of 500 schedules stays cheap
      old.target = target;
    }
    for (const id of [...entries.keys()]) if (!keep.has(id)) entries.delete(id);
    kick();
  }

  async function stop(): Promise<void> {
    running = false;
    stopper.abort();
    kick();
    await loopDone;
    await Promise.allSettled([...inFlight]);
  }

  return {
    start() {
      if (running) return;
      running = true;
      stopper = new AbortController();
      loopDone = loop().catch((error: unknown) => deps.onError(error));
    },
    stop,
    setSchedules,
    [Symbol.asyncDispose]: stop,
  };
}
