/** @module Shared helpers of the time-operation tests: xarray's expected results and the fixture inputs, read plainly. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeTime, openDataset, readVariable, type TimeAxis } from "../../src/data/index.ts";
import { FIXTURES } from "./helpers.ts";

export interface Expected {
  dims: string[];
  shape: number[];
  dtype: string;
  rows?: number[];
  coords: Record<string, { dims: string[]; values: (string | number)[] }>;
  values: (number | string | null)[];
  error?: string;
}

export interface CalendarCases {
  calendar: string;
  time: string[];
  dt: Record<string, (number | string)[]>;
  sel: Record<string, { dims?: string[]; n?: number; first?: string | null; last?: string | null; error?: string }>;
  groupby: Record<string, Expected>;
  arith: Record<string, Expected>;
  resample: Record<string, Expected>;
  rolling?: Record<string, Expected>;
  weighted?: Record<string, Expected>;
  fill?: Record<string, Expected>;
  pad?: Record<string, Expected>;
  interp?: Record<string, Expected> & { lat: number[]; lon: number[] };
}

export const expected = JSON.parse(readFileSync(join(FIXTURES, "ops", "expected-time.json"), "utf8")) as Record<
  "standard" | "noleap" | "360_day" | "hourly",
  CalendarCases
>;

/** The Zarr input each case set was computed from. */
export const INPUTS = {
  standard: join(FIXTURES, "v2-standard.zarr"),
  noleap: join(FIXTURES, "v2-noleap.zarr"),
  "360_day": join(FIXTURES, "ops", "v2-360day.zarr"),
  hourly: join(FIXTURES, "ops", "v2-hourly.zarr"),
} as const;

/** The (lat, lon) columns big results were kept for (generate_time.py's COLUMNS). */
export const COLUMNS = [[0, 0], [1, 1], [2, 3], [5, 7]] as const;

/** A fixture's decoded time axis and its temp values as float64 (time, lat, lon) in memory. */
export async function loadInput(name: keyof typeof INPUTS): Promise<{ axis: TimeAxis; temp: Float64Array; shape: number[] }> {
  const ds = await openDataset(INPUTS[name]);
  const time = ds.variables.time!;
  const fill = time.encoding.fillValue;
  const axis = decodeTime((await readVariable(time)) as ArrayLike<number | bigint>, fill === undefined ? time.attrs : { ...time.attrs, _FillValue: fill });
  const v = ds.variables.temp!;
  const raw = (await readVariable(v)) as Float32Array;
  const missing = v.encoding.missing;
  const temp = Float64Array.from(raw, (x) => (missing.includes(x) ? Number.NaN : x));
  return { axis, temp, shape: [...v.shape] };
}

/** Elements outside the tolerance (1e-5 relative or 1e-4 absolute) and NaN-pattern mismatches. */
export function disagreements(actual: ArrayLike<number>, want: readonly (number | string | null)[]): { bad: number; nan: number; worst: string } {
  let bad = 0;
  let nan = 0;
  let worst = "";
  if (actual.length !== want.length) return { bad: -1, nan: -1, worst: `length ${actual.length}, expected ${want.length}` };
  for (let i = 0; i < want.length; i++) {
    const a = actual[i]!;
    const e = want[i];
    if (e === null || Number.isNaN(a)) {
      if ((e === null) !== Number.isNaN(a)) {
        nan++;
        worst ||= `at ${i}: ${a}, expected ${e}`;
      }
      continue;
    }
    if (Math.abs(a - Number(e)) > Math.max(1e-4, 1e-5 * Math.abs(Number(e)))) {
      bad++;
      worst ||= `at ${i}: ${a}, expected ${e}`;
    }
  }
  return { bad, nan, worst };
}
