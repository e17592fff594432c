/**
 * @module The daemon's log: human lines for `floe dev`, JSON lines for `floe start`. Events are `noun:verb`
 * (`pipeline:reload`, `run:start`, `schedule:fire`); every line is redacted.
 */
import { redact } from "../core/redact.ts";

export type LogFormat = "pretty" | "json";
export type LogLevelName = "debug" | "info" | "warn" | "error";

export interface DaemonLogger {
  log(level: LogLevelName, event: string, message: string, fields?: Record<string, unknown>): void;
  info(event: string, message: string, fields?: Record<string, unknown>): void;
  warn(event: string, message: string, fields?: Record<string, unknown>): void;
  error(event: string, message: string, fields?: Record<string, unknown>): void;
}

const RANK: Record<LogLevelName, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** `minLevel` defaults to info (`FLOE_LOG_LEVEL=debug` shows rejected transitions and other internals). */
export function createLogger(
  format: LogFormat,
  write: (line: string) => void,
  now: () => number = Date.now,
  minLevel: LogLevelName = "info",
): DaemonLogger {
  const log = (level: LogLevelName, event: string, message: string, fields: Record<string, unknown> = {}): void => {
    if (RANK[level] < RANK[minLevel]) return;
    if (format === "json") {
      write(redact(JSON.stringify({ time: new Date(now()).toISOString(), level, event, msg: message, ...fields })) + "\n");
      return;
    }
    const time = new Date(now()).toISOString().slice(11, 23);
    const mark = level === "error" ? "✖" : level === "warn" ? "!" : "·";
    write(redact(`${time} ${mark} ${event.padEnd(16)} ${message}`) + "\n");
  };
  return {
    log,
    info: (e, m, f) => log("info", e, m, f),
    warn: (e, m, f) => log("warn", e, m, f),
    error: (e, m, f) => log("error", e, m, f),
  };
}
