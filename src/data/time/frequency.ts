/**
 * @module Resample frequencies as xarray 2023.01 spells them (`cftime_offsets.py`, pandas aliases): ticks
 * (`H`/`h`, `D`, `T`/`min`, `S` with a multiple) and calendar anchors (`MS`, `M`, `QS[-MON]`, `Q[-MON]`,
 * `AS`/`YS[-MON]`, `A`/`Y[-MON]`). An anchor frequency is "every p-th month starting at a phase", at the start
 * or the end of that month, so one arithmetic serves every CF calendar.
 */
import { type Calendar, dayNumber } from "../calendar.ts";
import { InvalidOperationError } from "../errors.ts";
import { DAY_SECONDS } from "./instant.ts";

export type Frequency =
  | { kind: "tick"; n: number; seconds: number; day: boolean; text: string }
  | { kind: "anchor"; n: number; period: 1 | 3 | 12; phase: number; at: "start" | "end"; text: string };

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const TICKS: Record<string, number> = { H: 3600, h: 3600, D: DAY_SECONDS, T: 60, min: 60, S: 1 };
const ANCHORS: Record<string, { period: 1 | 3 | 12; at: "start" | "end"; month: number }> = {
  MS: { period: 1, at: "start", month: 1 },
  M: { period: 1, at: "end", month: 12 },
  QS: { period: 3, at: "start", month: 1 },
  Q: { period: 3, at: "end", month: 12 },
  AS: { period: 12, at: "start", month: 1 },
  YS: { period: 12, at: "start", month: 1 },
  A: { period: 12, at: "end", month: 12 },
  Y: { period: 12, at: "end", month: 12 },
};

/** What an unknown frequency's error lists. */
export const SUPPORTED_FREQUENCIES = "H (or h), D, T (or min), S, MS, M, QS, Q, AS (or YS), A (or Y), with a multiple (3H, 7D, 2MS) and a month for quarters and years (QS-DEC, A-JUN)";

/**
 * Parses a frequency string.
 * @example
 * parseFrequency("QS-DEC"); // { kind: "anchor", n: 1, period: 3, phase: 11, at: "start", text: "QS-DEC" }
 */
export function parseFrequency(text: string): Frequency {
  const match = /^(\d*)([A-Za-z]+?)(?:-([A-Z]{3}))?$/.exec(text.trim());
  const n = match?.[1] ? Number(match[1]) : 1;
  const unit = match?.[2] ?? "";
  const suffix = match?.[3];
  const fail = () => new InvalidOperationError(`unknown resample frequency "${text}" (supported: ${SUPPORTED_FREQUENCIES})`, {});
  if (!match || n < 1) throw fail();
  const seconds = TICKS[unit];
  if (seconds !== undefined && suffix === undefined) return { kind: "tick", n, seconds: n * seconds, day: unit === "D", text };
  const anchor = ANCHORS[unit];
  if (!anchor || (suffix !== undefined && anchor.period === 1)) throw fail();
  const month = suffix === undefined ? anchor.month : MONTHS.indexOf(suffix) + 1;
  if (month === 0) throw fail();
  // QS-DEC anchors on months 12, 3, 6, 9: phase (month - 1) modulo the period, counted from month index 0.
  return { kind: "anchor", n, period: anchor.period, phase: (month - 1) % anchor.period, at: anchor.at, text };
}

/** xarray's defaults: end-anchored frequencies (M, Q, A) close and label bins on the right. */
export function defaultSide(freq: Frequency): "left" | "right" {
  return freq.kind === "anchor" && freq.at === "end" ? "right" : "left";
}

const monthStart = (calendar: Calendar, monthIndex: number): number => {
  const year = Math.floor(monthIndex / 12);
  return dayNumber(calendar, year, monthIndex - year * 12 + 1, 1);
};

/** Day number of anchor k: the first or last day of month index `period * k + phase`. */
export function anchorDay(calendar: Calendar, freq: Extract<Frequency, { kind: "anchor" }>, k: number): number {
  const monthIndex = freq.period * k + freq.phase;
  return freq.at === "start" ? monthStart(calendar, monthIndex) : monthStart(calendar, monthIndex + 1) - 1;
}

/** The largest anchor index whose day is on or before a day number. */
export function anchorFloor(calendar: Calendar, freq: Extract<Frequency, { kind: "anchor" }>, day: number, year: number, month: number): number {
  const monthIndex = year * 12 + month - 1;
  const k = Math.floor((monthIndex - freq.phase) / freq.period);
  return anchorDay(calendar, freq, k) > day ? k - 1 : k;
}
