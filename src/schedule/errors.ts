/** @module Tagged errors of the schedule layer. */
import { FloeError, formatDiagnostic, type Diagnostic } from "../core/errors.ts";

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
    super(prefix + diagnostics.map(formatDiagnostic).join("; "), options);
    this.context = context;
    this.diagnostics = diagnostics;
  }
}

export function isScheduleError(value: unknown): value is ScheduleError {
  return value instanceof ScheduleError;
}
