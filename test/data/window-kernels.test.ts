/** Rolling, weighted, fill and interpolation kernels on whole fixture arrays, against xarray 2023.01's results. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ffill, interp1d, interpolateNa, rolling, type RollingOp } from "../../src/data/ops/window-kernels.mjs";
import { newWeightedAccumulator, weightedFinish, weightedFold } from "../../src/data/ops/weighted-kernel.mjs";
import { axisInstants } from "../../src/data/time/instant.ts";
import { COLUMNS, type Expected, disagreements, expected, loadInput } from "./time-helpers.ts";

const DAILY = ["standard", "noleap", "360_day"] as const;

/** The kept rows and columns of a (time, lat, lon) result, as generate_time.py kept them. */
function pick(values: Float64Array, shape: readonly number[], want: Expected): number[] {
  const [nt, nlat, nlon] = shape as [number, number, number];
  const rows = want.rows ?? [...Array(nt).keys()];
  return rows.flatMap((t) => COLUMNS.map(([y, x]) => values[(t * nlat + y) * nlon + x]!));
}

function agree(actual: ArrayLike<number>, want: Expected, what: string): void {
  const { bad, nan, worst } = disagreements(actual, want.values);
  assert.ok(bad === 0 && nan === 0, `${what}: ${bad} values and ${nan} NaN differ (first ${worst})`);
}

test("rolling windows: centred or trailing, min_periods, every reduction, as xarray", async () => {
  let checked = 0;
  for (const name of DAILY) {
    const { temp, shape } = await loadInput(name);
    const [nt, nlat, nlon] = shape as [number, number, number];
    for (const [key, want] of Object.entries(expected[name].rolling!)) {
      const [n, center, mp, op] = key.split(".") as [string, string, string, RollingOp];
      const window = Number(n);
      const left = center === "True" ? Math.floor(window / 2) : window - 1;
      const out = new Float64Array(temp.length);
      rolling(op, temp, { outer: 1, rows: nt, inner: nlat * nlon }, 0, nt, window, left, mp === "None" ? window : Number(mp), out);
      agree(pick(out, shape, want), want, `${name} ${key}`);
      checked++;
    }
  }
  assert.ok(checked >= 30);
});

test("a rolling block with halo rows gives the rows of the whole-axis result", async () => {
  const { temp, shape } = await loadInput("standard");
  const [nt, nlat, nlon] = shape as [number, number, number];
  const inner = nlat * nlon;
  const whole = new Float64Array(temp.length);
  rolling("mean", temp, { outer: 1, rows: nt, inner }, 0, nt, 7, 3, 7, whole);
  // Rows 30..59 from a block holding rows 27..62 (3 halo rows each side).
  const block = temp.slice(27 * inner, 63 * inner);
  const part = new Float64Array(30 * inner);
  rolling("mean", block, { outer: 1, rows: 36, inner }, 3, 33, 7, 3, 7, part);
  assert.deepEqual(part, whole.slice(30 * inner, 60 * inner));
});

test("weighted mean, sum and std over (lat, lon) with cos(lat) weights renormalise over NaN", async () => {
  for (const name of DAILY) {
    const { temp, shape } = await loadInput(name);
    const [nt, nlat, nlon] = shape as [number, number, number];
    const lat = Array.from({ length: nlat }, (_, i) => -75 + (150 / (nlat - 1)) * i);
    const weights = Float64Array.from({ length: temp.length }, (_, i) => Math.cos((lat[Math.floor(i / nlon) % nlat]! * Math.PI) / 180));
    for (const op of ["mean", "sum", "std"] as const) {
      const acc = newWeightedAccumulator(nt);
      weightedFold(acc, temp, weights, shape, [1, 0, 0], 0);
      const out = new Float64Array(nt);
      weightedFinish(op, acc, out);
      const want = expected[name].weighted![`latlon.${op}`]!;
      agree((want.rows ?? [...Array(nt).keys()]).map((t) => out[t]!), want, `${name} ${op}`);
    }
  }
});

test("ffill (with and without limit) and interpolate_na along time", async () => {
  for (const name of DAILY) {
    const { temp, shape, axis } = await loadInput(name);
    const [nt, nlat, nlon] = shape as [number, number, number];
    const layout = { outer: 1, rows: nt, inner: nlat * nlon };
    const filled = temp.slice();
    ffill(filled, layout, Infinity);
    agree(pick(filled, shape, expected[name].fill!.ffill!), expected[name].fill!.ffill!, `${name} ffill`);
    const limited = temp.slice();
    ffill(limited, layout, 2);
    agree(pick(limited, shape, expected[name].fill!["ffill.2"]!), expected[name].fill!["ffill.2"]!, `${name} ffill limit 2`);
    const interpolated = temp.slice();
    interpolateNa(interpolated, layout, axisInstants(axis));
    agree(pick(interpolated, shape, expected[name].fill!.interpolate_na!), expected[name].fill!.interpolate_na!, `${name} interpolate_na`);
  }
});

test("linear interpolation onto another grid, and across the longitude seam after a wrap pad", async () => {
  const { temp, shape } = await loadInput("standard");
  const [, nlat, nlon] = shape as [number, number, number];
  const { lat: newLat, lon: newLon } = expected.standard.interp!;
  const lat = Array.from({ length: nlat }, (_, i) => -75 + 30 * i);
  const lon = Array.from({ length: nlon }, (_, i) => 45 * i);
  const two = temp.slice(0, 2 * nlat * nlon);
  const grid = (src: Float64Array, lons: number[]) => {
    const a = new Float64Array(2 * newLat.length * lons.length);
    interp1d(src, { outer: 2, rows: nlat, inner: lons.length }, lat, newLat, a);
    const b = new Float64Array(2 * newLat.length * newLon.length);
    interp1d(a, { outer: 2 * newLat.length, rows: lons.length, inner: 1 }, lons, newLon, b);
    return b;
  };
  agree(grid(two, lon), expected.standard.interp!.plain!, "plain");
  const wrapped = new Float64Array(2 * nlat * (nlon + 2));
  for (let r = 0; r < 2 * nlat; r++) for (let j = -1; j <= nlon; j++) wrapped[r * (nlon + 2) + j + 1] = two[r * nlon + ((j + nlon) % nlon)]!;
  agree(grid(wrapped, [lon[nlon - 1]! - 360, ...lon, lon[0]! + 360]), expected.standard.interp!.wrap!, "wrap");
});
