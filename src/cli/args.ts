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
