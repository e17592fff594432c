/** @module Tagged errors of the schedule layer. */
import { FloeError, type Diagnostic } from "../core/errors.ts";

/** A schedule whose cron expression or time zone cannot be used; `diagnostics` say which and why. */
export class ScheduleError extends FloeError {
  readonly _tag = "ScheduleError" as const;
  readonly context: { scheduleId?: string | undefined; cron: string; timezone: string };
  readonly diagnostics: readonly Diagnostic[];
  constructor(
    context: { scheduleId?: string | undefined; cron: string; timezone: string },
    diagnostics: readonly Diagnostic[],
    options?: { cause?: unknown },
  ) {
    const prefix = context.scheduleId ? `schedule ${context.scheduleId}: ` : "";
    // the messages already name the cron expression or time zone, so the field path would only repeat it
    super(prefix + diagnostics.map((d) => d.message).join("; "), options);
    this.context = context;
    this.diagnostics = diagnostics;
  }
}

export function isScheduleError(value: unknown): value is ScheduleError {
  return value instanceof ScheduleError;
}
