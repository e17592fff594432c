/**
 * @module Grouping a time axis the way xarray's `groupby("time.season" | "time.month" | "time.year")` does:
 * seasons DJF/MAM/JJA/SON pooled over all years (December stays with its own year's DJF: no shift),
 * labels sorted (DJF, JJA, MAM, SON), only groups that occur.
 */
import type { TimeAxis } from "./cf-time.ts";

export const GROUPINGS = ["season", "month", "year"] as const;
export type Grouping = (typeof GROUPINGS)[number];

export const REDUCERS = ["mean", "min", "max", "sum", "count"] as const;
export type Reducer = (typeof REDUCERS)[number];

/** Month (1..12) to season label. */
const SEASON_OF_MONTH = ["", "DJF", "DJF", "MAM", "MAM", "MAM", "JJA", "JJA", "JJA", "SON", "SON", "SON", "DJF"];

/** Which group each time step falls in. */
export interface TimeGroups {
  grouping: Grouping;
  /** Sorted labels: strings for seasons, numbers for months and years. */
  labels: string[] | number[];
  /** Per time step, the index into `labels`, or -1 for missing times. */
  index: Int32Array;
  /** Time steps per group. */
  sizes: Int32Array;
}

/**
 * Groups the steps of a decoded time axis.
 * @example
 * groupTime(decodeTime([0, 40, 100], { units: "days since 2001-01-01" }), "season").labels; // ["DJF", "MAM"]
 */
export function groupTime(axis: TimeAxis, grouping: Grouping): TimeGroups {
  const keyOf = (i: number): string | number | undefined => {
    const month = axis.months[i]!;
    if (month === 0) return undefined;
    if (grouping === "season") return SEASON_OF_MONTH[month];
    return grouping === "month" ? month : axis.years[i]!;
  };
  const keys = Array.from(axis.months, (_, i) => keyOf(i));
  const present = [...new Set(keys.filter((k) => k !== undefined))];
  const labels = (
    grouping === "season" ? (present as string[]).sort() : (present as number[]).sort((a, b) => a - b)
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
