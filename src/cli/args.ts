/** @module Flag parsing for commands: node's parseArgs in strict mode, its errors turned into usage errors. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./command.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

export function parseCommandArgs<O extends Options>(
  argv: readonly string[],
  options: O,
  positionals: { min: number; max: number; names: string },
) {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    const message = (error as Error).message;
    // node's text explains `--` at length; the option's name is what the user needs
    const unknown = /Unknown option '([^']+)'/.exec(message);
    throw new UsageError(unknown ? `unknown option ${unknown[1]}` : message.replace(/^TypeError \[[A-Z_]+\]: /, ""));
  }
  const count = parsed.positionals.length;
  if (count < positionals.min) throw new UsageError(`missing argument: ${positionals.names}`);
  if (count > positionals.max) throw new UsageError(`unexpected argument: ${parsed.positionals[positionals.max]}`);
  return parsed;
}

/** `--limit 20` and friends: a positive integer or a usage error naming the flag. */
export function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${flag} expects a positive whole number, got "${value}"`);
  return n;
}

// A date alone is midnight UTC; a date-time needs its zone (Z or ±hh:mm): a local time is ambiguous.
const INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/** `--at 2025-03-01T00:00:00Z` and friends: epoch ms, or a usage error naming the flag and the expected form. */
export function parseInstant(value: string, flag: string): number {
  const ms = INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(`${flag} expects an ISO 8601 time such as 2025-03-01 or 2025-03-01T02:00:00Z, got "${value}"`);
  }
  return ms;
}
