/** @module Small shared zod pieces: names, durations. */
import { z } from "zod";
import { parseDuration } from "../src/core/duration.ts";

export const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/i;

export const NameSchema = z
  .string()
  .regex(NAME_PATTERN, "a name of letters, digits, '-' and '_', starting with a letter or digit")
  .max(100);

export const DurationSchema = z
  .union([z.number().nonnegative(), z.string()])
  .refine((v) => parseDuration(v) !== undefined, {
    message: 'a duration: milliseconds, or text such as "250ms", "30s", "5m", "1h30m"',
  })
  .describe('Milliseconds or a duration such as "30s", "5m", "1h"');

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
