/** The time-aware and windowed operations through the lazy DataArray API, against xarray 2023.01's results. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { type DataArray, InvalidOperationError, LazyDataset, formatCalendarDate, slice } from "../../src/data/index.ts";
import { decodeTimeCoord } from "../../src/data/ops/time-coord.ts";
import { fromInstant } from "../../src/data/time/instant.ts";
import { join } from "node:path";
import { FIXTURES, reference } from "./helpers.ts";
import { COLUMNS, type Expected, INPUTS, disagreements, expected } from "./time-helpers.ts";

type Name = keyof typeof INPUTS;
const open = async (name: Name | "v3-standard"): Promise<DataArray> =>
  (await LazyDataset.open(name === "v3-standard" ? join(FIXTURES, "v3-standard.zarr") : INPUTS[name])).get("temp");

/** Values of a result at the rows and (lat, lon) columns generate_time.py kept. */
async function kept(result: DataArray, want: Expected, columns: boolean): Promise<number[]> {
  const values = Float64Array.from((await result.values()) as ArrayLike<number | bigint>, Number);
  if (!columns) return want.rows ? want.rows.map((r) => values[r]!) : [...values];
  const [n, nlat, nlon] = result.shape as [number, number, number];
  const rows = want.rows ?? [...Array(n).keys()];
  return rows.flatMap((t) => COLUMNS.map(([y, x]) => values[(t * nlat + y) * nlon + x]!));
}

async function agree(result: DataArray, want: Expected, what: string, columns = true): Promise<void> {
  assert.deepEqual(result.dims, want.dims, `${what}: dims`);
  assert.deepEqual(result.shape, want.shape, `${what}: shape`);
  const { bad, nan, worst } = disagreements(await kept(result, want, columns), want.values);
  assert.ok(bad === 0 && nan === 0, `${what}: ${bad} values and ${nan} NaN differ (first ${worst})`);
}

/** A time coordinate's labels as xarray prints them. */
function timeLabels(result: DataArray, dim = "time"): string[] {
  const time = decodeTimeCoord(result.coords, dim, "test");
  return Array.from(time.instants, (t) => formatCalendarDate(fromInstant(time.axis.calendar, t)));
}

test("groupby reductions on time components match xarray (values, labels, dtypes)", async () => {
  for (const name of ["standard", "noleap", "360_day", "hourly"] as const) {
    const da = await open(name);
    for (const [key, want] of Object.entries(expected[name].groupby)) {
      const [group, op] = key.split(".") as [string, "mean"];
      const result = da.groupby(`time.${group}`)[op]();
      await agree(result, want, `${name} ${key}`, group === "dayofyear");
      const labels = result.coords[group]!.values;
      assert.deepEqual(Array.isArray(labels) ? labels : Array.from(labels as ArrayLike<number | bigint>, Number), want.coords[group]!.values, `${name} ${key} labels`);
      assert.equal(result.dtype, want.dtype, `${name} ${key} dtype`);
    }
  }
});

test("group arithmetic against a monthly climatology keeps time and adds month along it, as xarray", async () => {
  for (const name of ["standard", "noleap", "360_day"] as const) {
    const da = await open(name);
    const climatology = da.groupby("time.month").mean();
    for (const [op, want] of Object.entries(expected[name].arith)) {
      const result = da.groupby("time.month")[op as "sub"](climatology);
      await agree(result, want, `${name} ${op}`);
      assert.deepEqual(Object.keys(result.coords).sort(), Object.keys(want.coords).filter((c) => c !== "column").concat(["lat", "lon"]).filter((c, i, a) => a.indexOf(c) === i).sort());
      const month = result.coords.month!;
      assert.deepEqual(month.dims, ["time"]);
      assert.deepEqual((want.rows ?? []).slice(0, 40).map((r) => Number((month.values as BigInt64Array)[r])), want.coords.month!.values.slice(0, 40));
    }
  }
  const da = await open("standard");
  assert.throws(() => da.groupby("time.month").sub(da), /the group variable "month" is not a dimension/);
  assert.throws(() => da.groupby("time.weekday"), (e: unknown) => e instanceof InvalidOperationError && /supported: "time.season"/.test(e.message));
});

test("resample in every calendar: labels, closed/label defaults, empty bins, every reduction", async () => {
  let checked = 0;
  for (const name of ["standard", "noleap", "360_day", "hourly"] as const) {
    const full = await open(name);
    for (const [key, want] of Object.entries(expected[name].resample)) {
      if (want.error) continue;
      const parts = key.split(".");
      const gap = parts[0] === "gap";
      const [freq, op, side] = (gap ? parts.slice(1) : parts) as [string, "mean", string | undefined];
      const da = gap ? full.isel({ time: [...Array(full.shape[0]).keys()].filter((t) => t < 40 || t >= 110) }) : full;
      const options = side === "left" || side === "right" ? { closed: side, label: side } as const : {};
      const result = da.resample({ time: freq }, options)[op]();
      await agree(result, want, `${name} ${key}`);
      const labels = timeLabels(result);
      assert.deepEqual((want.rows ?? [...labels.keys()]).map((r) => labels[r]), want.coords.time!.values, `${name} ${key} labels`);
      assert.equal(result.dtype, want.dtype, `${name} ${key} dtype`);
      checked++;
    }
  }
  assert.ok(checked > 150);
  const da = await open("noleap");
  assert.throws(() => da.resample({ time: "W" }), /unknown resample frequency "W" \(supported: H \(or h\), D/);
});

test("rolling windows stream chunk by chunk with halo rows, as xarray's rolling", async () => {
  for (const name of ["standard", "noleap", "360_day"] as const) {
    const da = await open(name);
    for (const [key, want] of Object.entries(expected[name].rolling!)) {
      const [n, center, mp, op] = key.split(".") as [string, string, string, "mean"];
      const result = da.rolling({ time: Number(n) }, { center: center === "True", minPeriods: mp === "None" ? undefined : Number(mp) })[op]();
      await agree(result, want, `${name} ${key}`);
    }
  }
});

test("weighted mean, sum and std with cos(lat) weights; NaN weights are an error", async () => {
  for (const name of ["standard", "noleap", "360_day"] as const) {
    const da = await open(name);
    const weights = da.coord("lat").deg2rad().cos();
    for (const op of ["mean", "sum", "std"] as const) {
      const want = expected[name].weighted![`latlon.${op}`]!;
      await agree(da.weighted(weights).reduce(op, ["lat", "lon"]), want, `${name} ${op}`, false);
    }
  }
  const da = await open("standard");
  const bad = da.coord("lat").where(da.coord("lat").gt(0));
  await assert.rejects(da.weighted(bad).mean(["lat", "lon"]).values(), /weights` cannot contain missing values/);
});

test("date strings select in the dataset's calendar (v2 and v3 inputs)", async () => {
  const standard = await open("v3-standard");
  assert.deepEqual(standard.sel({ time: slice("2000-01", "2000-03") }).shape, [91, 6, 8]);
  assert.deepEqual(standard.sel({ time: "2000-02-15" }).dims, ["lat", "lon"]);
  const days360 = await open("360_day");
  assert.deepEqual(days360.sel({ time: "2001-02-30" }).shape, [1, 6, 8]);
  assert.deepEqual(days360.sel({ time: slice("2000-01", "2000-03") }).shape, [90, 6, 8]);
  const noleap = await open("noleap");
  assert.throws(() => noleap.sel({ time: "2001-02-29" }), /date "2001-02-29" does not exist in the noleap calendar/);
  assert.throws(() => noleap.sel({ time: 3 }), /select times with date strings in the "noleap" calendar/);
  const march = await noleap.sel({ time: slice("2001-03-01", "2001-03-31") }).mean("time").values();
  assert.equal(march.length, 48);
});

test("Dataset groupby and resample: variables without time broadcast over the groups as xarray's", async () => {
  const ds = await LazyDataset.open(INPUTS.standard);
  for (const op of ["mean", "min", "max", "sum", "count"] as const) {
    const want = reference["v2-standard"][`season.${op}`]!;
    const got = ds.groupby("time.season")[op]();
    assert.deepEqual(got.get("depth").dims, ["season", "lat", "lon"]);
    for (const name of ["temp", "depth"] as const) {
      const { bad, nan, worst } = disagreements(Array.from((await got.get(name).values()) as ArrayLike<number | bigint>, Number), want[name]);
      assert.ok(bad === 0 && nan === 0, `${op} ${name}: ${worst}`);
    }
    assert.deepEqual(got.coordinates.season!.values, want.labels);
  }
  const monthly = ds.resample({ time: "MS" }).mean();
  assert.deepEqual(monthly.get("temp").dims, ["time", "lat", "lon"]);
  assert.deepEqual(monthly.get("depth").shape, [14, 6, 8]);
});
