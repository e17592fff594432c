/** dt accessors, pad/roll, ffill/interpolateNa and interp through the lazy DataArray API, against xarray 2023.01. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type DataArray, LazyDataset, formatCalendarDate, slice } from "../../src/data/index.ts";
import { decodeTimeCoord } from "../../src/data/ops/time-coord.ts";
import { fromInstant } from "../../src/data/time/instant.ts";
import { COLUMNS, type Expected, INPUTS, disagreements, expected } from "./time-helpers.ts";

const open = async (name: keyof typeof INPUTS): Promise<DataArray> => (await LazyDataset.open(INPUTS[name])).get("temp");

async function agree(result: DataArray, want: Expected, what: string, columns = true): Promise<void> {
  assert.deepEqual(result.dims, want.dims, `${what}: dims`);
  assert.deepEqual(result.shape, want.shape, `${what}: shape`);
  const values = Float64Array.from((await result.values()) as ArrayLike<number | bigint>, Number);
  const [n, nlat, nlon] = result.shape as [number, number, number];
  const rows = want.rows ?? [...Array(n).keys()];
  const kept = columns ? rows.flatMap((t) => COLUMNS.map(([y, x]) => values[(t * nlat + y) * nlon + x]!)) : [...values];
  const { bad, nan, worst } = disagreements(kept, want.values);
  assert.ok(bad === 0 && nan === 0, `${what}: ${bad} values and ${nan} NaN differ (first ${worst})`);
}

const timeLabels = (a: DataArray): string[] => {
  const time = decodeTimeCoord(a.coords, "time", "test");
  return Array.from(time.instants, (t) => (Number.isNaN(t) ? "NaT" : formatCalendarDate(fromInstant(time.axis.calendar, t))));
};

test("dt components as arrays along time, usable as masks", async () => {
  for (const name of ["standard", "noleap", "360_day", "hourly"] as const) {
    const da = await open(name);
    const time = da.coord("time");
    for (const field of ["year", "month", "day", "hour", "dayofyear"] as const) {
      assert.deepEqual(Array.from((await time.dt[field].values()) as BigInt64Array, Number), expected[name].dt[field], `${name} ${field}`);
    }
  }
  const da = await open("360_day");
  const summer = da.where(da.coord("time").dt.month.isin([6, 7, 8])).mean("time");
  const direct = da.sel({ time: slice("2000-06", "2000-08") }).mean("time");
  assert.deepEqual(Array.from((await summer.values()) as Float32Array).slice(0, 8), Array.from((await direct.values()) as Float32Array).slice(0, 8));
  assert.deepEqual(timeLabels(da.coord("time").dt.date.isel({ time: [0, 59] })).slice(0, 2), ["2000-01-01T00:00:00", "2000-02-30T00:00:00"]);
});

test("pad (wrap, constant, edge) and roll, values and time coordinates as xarray's", async () => {
  const small = (await open("standard")).isel({ time: slice(0, 10) });
  for (const mode of ["wrap", "constant", "edge"] as const) {
    const want = expected.standard.pad![`pad.${mode}`]!;
    const padded = small.pad({ time: [3, 2] }, { mode });
    await agree(padded, want, `pad ${mode}`);
    assert.deepEqual(timeLabels(padded), want.coords.time!.values, `pad ${mode} time`);
  }
  const rolled = small.roll({ time: 3 });
  await agree(rolled, expected.standard.pad!["roll.3"]!, "roll");
  assert.deepEqual(timeLabels(rolled), expected.standard.pad!["roll.3"]!.coords.time!.values);
  const both = small.roll({ time: -2 }, { rollCoords: true });
  await agree(both, expected.standard.pad!["roll.-2.coords"]!, "roll coords");
  assert.deepEqual(timeLabels(both), expected.standard.pad!["roll.-2.coords"]!.coords.time!.values);
  assert.throws(() => small.pad({ time: [1, 1] }, { mode: "reflect" as "wrap" }), /unknown mode "reflect" \(supported: constant, edge, wrap\)/);
});

test("ffill with and without limit and interpolateNa along time, streamed by blocks", async () => {
  for (const name of ["standard", "noleap", "360_day"] as const) {
    const da = await open(name);
    await agree(da.ffill("time"), expected[name].fill!.ffill!, `${name} ffill`);
    await agree(da.ffill("time", { limit: 2 }), expected[name].fill!["ffill.2"]!, `${name} ffill limit 2`);
    await agree(da.interpolateNa("time"), expected[name].fill!.interpolate_na!, `${name} interpolate_na`);
  }
});

test("interp onto another grid, and across the longitude seam with periodic", async () => {
  const first = (await open("standard")).isel({ time: [0, 1] });
  const { lat, lon } = expected.standard.interp!;
  await agree(first.interp({ lat, lon }), expected.standard.interp!.plain!, "plain", false);
  const wrapped = first.interp({ lat, lon }, { periodic: { lon: 360 } });
  await agree(wrapped, expected.standard.interp!.wrap!, "wrap", false);
  assert.deepEqual(Array.from(wrapped.coords.lon!.values as Float64Array), lon);
  const flipped = first.isel({ lat: [5, 4, 3, 2, 1, 0] });
  await agree(flipped.interp({ lat, lon }), expected.standard.interp!.plain!, "descending lat", false);
});

test("the time operations evaluate on worker threads with the same values", async () => {
  const da = await open("360_day");
  const climatology = await da.groupby("time.month").mean().compute();
  const chain = da.groupby("time.month").sub(climatology).rolling({ time: 5 }, { center: true }).mean();
  const global = chain.weighted(da.coord("lat").deg2rad().cos()).mean(["lat", "lon"]).resample({ time: "MS" }).mean();
  const [here, there] = [await global.values(), await global.values({ workers: 2 })];
  assert.deepEqual(Array.from(there as Float64Array), Array.from(here as Float64Array));
});
