/**
 * @module Grouping a time axis the way xarray's `groupby("time.<component>")` does: seasons DJF/MAM/JJA/SON
 * pooled over all years (December stays with its own year's DJF: no shift), labels sorted (DJF, JJA, MAM, SON;
 * numbers ascending), only groups that occur; missing times belong to no group.
 */
import type { TimeAxis } from "./cf-time.ts";
import { InvalidOperationError } from "./errors.ts";
import { timeField } from "./time/fields.ts";

export const GROUPINGS = ["season", "month", "year", "dayofyear", "day", "hour"] as const;
export type Grouping = (typeof GROUPINGS)[number];

export const REDUCERS = ["mean", "min", "max", "sum", "count"] as const;
export type Reducer = (typeof REDUCERS)[number];

/** Which group each time step falls in. */
export interface TimeGroups {
  grouping: Grouping;
  /** Sorted labels: strings for seasons, numbers otherwise. */
  labels: string[] | number[];
  /** Per time step, the index into `labels`, or -1 for missing times. */
  index: Int32Array;
  /** Time steps per group. */
  sizes: Int32Array;
}

/** Narrows a group key (`"time.month"` or `"month"`), or lists the supported ones. */
export function parseGrouping(key: string, dim = "time"): Grouping {
  const name = key.startsWith(`${dim}.`) ? key.slice(dim.length + 1) : key;
  if ((GROUPINGS as readonly string[]).includes(name)) return name as Grouping;
  const supported = GROUPINGS.map((g) => `"${dim}.${g}"`).join(", ");
  throw new InvalidOperationError(`unknown group key "${key}" (supported: ${supported})`, { variable: dim });
}

/**
 * Groups the steps of a decoded time axis.
 * @example
 * groupTime(decodeTime([0, 40, 100], { units: "days since 2001-01-01" }), "season").labels; // ["DJF", "MAM"]
 */
export function groupTime(axis: TimeAxis, grouping: Grouping): TimeGroups {
  const field = timeField(axis, grouping);
  const keys: (string | number | undefined)[] =
    field.kind === "string"
      ? field.values.map((s, i) => (axis.dates[i] ? s : undefined))
      : Array.from(field.values, (v) => (Number.isNaN(v) ? undefined : v));
  const present = [...new Set(keys.filter((k) => k !== undefined))];
  const labels = (
    field.kind === "string" ? (present as string[]).sort() : (present as number[]).sort((a, b) => a - b)
  ) as string[] | number[];
  const position = new Map<string | number, number>((labels as (string | number)[]).map((l, i) => [l, i]));
  const index = new Int32Array(keys.length);
  const sizes = new Int32Array(labels.length);
  keys.forEach((k, i) => {
    const g = k === undefined ? -1 : position.get(k)!;
    index[i] = g;
    if (g >= 0) sizes[g]!++;
  });
  return { grouping, labels, index, sizes };
}
