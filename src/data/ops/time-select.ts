/**
 * @module `sel` on a CF time coordinate with date strings, in the coordinate's calendar: `"2000-03"` (all of
 * March), `slice("2000-01", "2000-03")`, `"2001-02-30"` where the calendar has it. Pandas' rules for
 * standard-calendar axes, CFTimeIndex's for the others (time/select.ts).
 */
import type { Coordinate } from "../array/coords.ts";
import { type Picked, type SelValue, isSlice } from "../array/indexing.ts";
import { InvalidOperationError } from "../errors.ts";
import { isPandasAxis, selectTime } from "../time/select.ts";
import { decodeTimeCoord, isTimeCoord } from "./time-coord.ts";

/** The indexer for a date-string selection on a time coordinate; undefined when `value` is not one. */
export function timeIndexer(dim: string, coord: Coordinate | undefined, value: SelValue): Picked | undefined {
  if (!isTimeCoord(coord)) return undefined;
  const isDate = (v: unknown) => v === undefined || typeof v === "string";
  if (!(typeof value === "string" || (isSlice(value) && isDate(value.start) && isDate(value.stop)))) {
    if (typeof value === "number" || isSlice(value) || Array.isArray(value)) {
      throw new InvalidOperationError(`dimension "${dim}": select times with date strings in the "${String(coord.attrs.calendar ?? "standard")}" calendar, e.g. "2000-03" or slice("2000-01", "2000-03")`, { attribute: dim });
    }
    return undefined;
  }
  if (isSlice(value) && value.step !== undefined) throw new InvalidOperationError(`dimension "${dim}": date slices take no step`, { attribute: dim });
  const time = decodeTimeCoord({ [dim]: coord }, dim, "sel");
  const pandas = isPandasAxis(time.axis.calendar, time.instants, time.axis.years);
  const label = typeof value === "string" ? value : { start: value.start as string | undefined, stop: value.stop as string | undefined };
  const chosen = selectTime(time.instants, time.axis.calendar, label, pandas);
  if (chosen.kind === "index") return { ix: { kind: "at", at: chosen.index }, size: 1 };
  return { ix: { kind: "range", start: chosen.start, step: 1 }, size: Math.max(0, chosen.stop - chosen.start) };
}
