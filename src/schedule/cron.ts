/**
 * @module Parsing and validating cron expressions (cron-parser) and time zones. Matching runs on wall values in
 * UTC so that cron-parser never sees a DST transition; `slots.ts` applies floe's DST rules on top.
 */
import { CronExpressionParser } from "cron-parser";
import { isTimeZone } from "../../schemas/common.ts";
import type { Diagnostic } from "../core/errors.ts";
import { ScheduleError } from "./errors.ts";

/** The part of a schedule that decides its slot times. */
export interface CronTiming {
  cron: string;
  timezone: string;
}

const FIELDS = "minute hour day-of-month month day-of-week";
// cron-parser's shorthands (its PredefinedExpressions enum is not exported at runtime)
const PREDEFINED = [
  ...["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@hourly", "@minutely", "@secondly"],
  ...["@weekdays", "@weekends"],
];
// A probe date for "does this expression ever match" (cron-parser throws on e.g. "0 0 30 2 *").
const PROBE_AT = Date.UTC(2000, 0, 1);

/**
 * Checks a cron expression; returns a diagnostic naming the expression and what is wrong, or undefined when fine.
 * @example
 * validateCron("61 * * * *")?.message // 'cron "61 * * * *": Constraint error, got value 61 expected range 0-59'
 */
export function validateCron(expression: string): Diagnostic | undefined {
  const problem = cronProblem(expression.trim());
  if (problem === undefined) return undefined;
  return { code: "schedule.cron", path: "cron", message: `cron ${JSON.stringify(expression)}: ${problem}` };
}

function cronProblem(text: string): string | undefined {
  if (text === "") return `is empty; expected 5 fields (${FIELDS}) or 6 (seconds first)`;
  if (text.startsWith("@")) {
    return PREDEFINED.includes(text) ? undefined : `unknown shorthand; expected one of ${PREDEFINED.join(", ")}`;
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    return `has ${fields.length} field${fields.length === 1 ? "" : "s"}; expected 5 (${FIELDS}) or 6 (seconds first)`;
  }
  // "H" picks a random value unless seeded; floe's slots must be the same on every restart
  if (fields.some((f) => f.split(",").some((token) => /^H/i.test(token)))) {
    return `uses "H" (hashed values), which floe does not support; write explicit values`;
  }
  try {
    CronExpressionParser.parse(text, { tz: "UTC", currentDate: PROBE_AT }).next();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Checks an IANA time zone name; returns a diagnostic or undefined. */
export function validateTimeZone(timezone: string): Diagnostic | undefined {
  if (isTimeZone(timezone)) return undefined;
  return {
    code: "schedule.timezone",
    path: "timezone",
    message: `time zone ${JSON.stringify(timezone)} is not an IANA time zone such as "UTC" or "Europe/Paris"`,
  };
}

/** Every problem with a schedule's cron expression and time zone (empty when usable). */
export function validateTiming(timing: CronTiming): Diagnostic[] {
  return [validateCron(timing.cron), validateTimeZone(timing.timezone)].filter((d) => d !== undefined);
}

// A pure cache (no behaviour depends on it): timings already found usable, so hot paths skip re-parsing.
const usable = new Set<string>();

/** Throws a {@link ScheduleError} unless the timing is usable. */
export function assertTiming(timing: CronTiming, scheduleId?: string): void {
  const key = `${timing.timezone}\n${timing.cron}`;
  if (usable.has(key)) return;
  const diagnostics = validateTiming(timing);
  if (diagnostics.length > 0) {
    throw new ScheduleError({ scheduleId, cron: timing.cron, timezone: timing.timezone }, diagnostics);
  }
  if (usable.size >= 1000) usable.clear();
  usable.add(key);
}

/**
 * Wall values matching `cron`, strictly after (forward) or before (backward) `fromWall`, nearest first.
 * Ends when cron-parser finds no further date.
 */
export function* matchingWalls(cron: string, fromWall: number, direction: "forward" | "backward"): Generator<number> {
  const expression = CronExpressionParser.parse(cron.trim(), { tz: "UTC", currentDate: fromWall });
  for (;;) {
    let next: number;
    try {
      next = (direction === "forward" ? expression.next() : expression.prev()).getTime();
    } catch {
      return; // out of range or loop limit: no more dates
    }
    yield next;
  }
}
