/**
 * groupby/resample quantile, rolling median, resample origin/offset, and rolling/weighted on a LazyDataset,
 * against xarray 2023.01 (fixtures by test/fixtures/data/ops/generate_gaps.py).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { type DataArray, LazyDataset, formatCalendarDate, openDataset, readVariable, writeDataset } from "../../src/data/index.ts";
import { decodeTimeCoord } from "../../src/data/ops/time-coord.ts";
import { fromInstant } from "../../src/data/time/instant.ts";
import { FIXTURES, tempDir } from "./helpers.ts";
import { COLUMNS, type Expected, INPUTS, disagreements, expected } from "./time-helpers.ts";

type Cases = Record<string, Expected & { freq?: string; options?: Record<string, string> }>;
const gaps = JSON.parse(readFileSync(join(FIXTURES, "ops", "expected-gaps.json"), "utf8")) as Record<"360_day" | "standard" | "hourly", Record<string, Cases>> & {
  dataset: Record<string, Record<string, Expected>>;
};

const open = async (name: "360_day" | "standard" | "hourly"): Promise<DataArray> => (await LazyDataset.open(INPUTS[name])).get("temp");

/** Compares a result as generate_gaps.py kept it: rows of a long time axis, (lat, lon) columns picked last. */
async function agree(result: DataArray, want: Expected, what: string): Promise<void> {
  assert.deepEqual(result.dims, want.dims, `${what}: dims`);
  assert.deepEqual(result.shape, want.shape, `${what}: shape`);
  assert.equal(result.dtype, want.dtype, `${what}: dtype`);
  let r = want.rows ? result.isel({ time: want.rows }) : result;
  const columns = r.dims.includes("lat") && r.dims.includes("lon");
  if (columns) r = r.transpose("...", "lat", "lon");
  const values = Float64Array.from((await r.values()) as ArrayLike<number | bigint>, Number);
  let kept: number[] = [...values];
  if (columns) {
    const [nlat, nlon] = r.shape.slice(-2) as [number, number];
    kept = [];
    for (let o = 0; o < values.length / (nlat * nlon); o++) for (const [y, x] of COLUMNS) kept.push(values[o * nlat * nlon + y * nlon + x]!);
  }
  const { bad, nan, worst } = disagreements(kept, want.values);
  assert.ok(bad === 0 && nan === 0, `${what}: ${bad} values and ${nan} NaN differ (first ${worst})`);
}

function timeLabels(result: DataArray): string[] {
  const time = decodeTimeCoord(result.coords, "time", "test");
  return Array.from(time.instants, (t) => formatCalendarDate(fromInstant(time.axis.calendar, t)));
}

const labelsOf = (c: { values: unknown }): (string | number)[] => Array.from(c.values as ArrayLike<string | number | bigint>, (v) => (typeof v === "bigint" ? Number(v) : v));

test("groupby(...).quantile and resample(...).quantile: scalar q keeps the dims, a list adds a trailing quantile dimension", async () => {
  for (const name of ["360_day", "standard", "hourly"] as const) {
    const da = await open(name);
    for (const [key, want] of Object.entries(gaps[name].groupby_quantile!)) {
      const [by, q] = key.split(".") as [string, string];
      const r = da.groupby(`time.${by}`).quantile(q === "list" ? [0.1, 0.5, 0.9] : Number(key.slice(by.length + 1)));
      await agree(r, want, `${name} groupby ${key}`);
      assert.deepEqual(labelsOf(r.coords[by]!), want.coords[by]!.values, `${name} ${key} labels`);
      assert.deepEqual(labelsOf(r.coords.quantile!), want.coords.quantile!.values, `${name} ${key} quantile coordinate`);
      assert.deepEqual(r.coords.quantile!.dims, want.coords.quantile!.dims);
    }
    for (const [key, want] of Object.entries(gaps[name].resample_quantile ?? {})) {
      const [freq, q] = key.split(".") as [string, string];
      const r = da.resample({ time: freq }).quantile(q === "list" ? [0.25, 0.5] : 0.75);
      await agree(r, want, `${name} resample ${key}`);
      assert.deepEqual(timeLabels(r), want.coords.time!.values);
    }
  }
  const da = await open("360_day");
  assert.throws(() => da.groupby("time.month").quantile(1.5), /q must be in \[0, 1\], got 1.5/);
  assert.throws(() => da.groupby("time.month").reduce("prod"), /"prod" is not supported \(mean, .*quantile\)/);
});

test("rolling(...).median with xarray's windows and min_periods, streamed across chunk boundaries", async () => {
  for (const name of ["360_day", "standard"] as const) {
    const da = await open(name);
    for (const [key, want] of Object.entries(gaps[name].rolling_median!)) {
      const [n, center, mp] = key.split(".");
      const r = da.rolling({ time: Number(n) }, { center: center === "True", minPeriods: mp === "None" ? undefined : Number(mp) }).median();
      await agree(r, want, `${name} rolling median ${key}`);
    }
  }
});

test("resample origin and offset: ticks on a grid through the origin, anchors unmoved, end origins close right", async () => {
  for (const name of ["360_day", "standard", "hourly"] as const) {
    const da = await open(name);
    for (const [key, want] of Object.entries(gaps[name].resample_origin!)) {
      const r = da.resample({ time: want.freq! }, want.options as { origin?: string; offset?: string; closed?: "right" }).mean();
      await agree(r, want, `${name} resample ${key}`);
      assert.deepEqual(timeLabels(r), want.coords.time!.values, `${name} ${key} labels`);
    }
  }
  const da = await open("360_day");
  assert.throws(() => da.resample({ time: "7D" }, { origin: "begin" }), /origin "begin": expected one of start_day, start, epoch, end, end_day, or a date string in the 360_day calendar/);
  assert.throws(() => da.resample({ time: "7D" }, { origin: "2000-02-31" }), /does not exist in the 360_day calendar|date string/);
  assert.throws(() => da.resample({ time: "7D" }, { offset: "MS" }), /offset "MS": expected a fixed span such as "2D"/);
});

test("rolling and weighted on a LazyDataset apply per variable as xarray's Dataset does", async () => {
  const ds = await LazyDataset.open(INPUTS["360_day"]);
  const temp = ds.get("temp");
  const data = ds.assign({ first: temp.isel({ time: 0 }).dropVars("time"), series: temp.isel({ lat: 1, lon: 1 }).dropVars(["lat", "lon"]) });
  const weights = temp.coord("lat").deg2rad().cos();
  for (const [key, wants] of Object.entries(gaps.dataset)) {
    const [kind, op, ...dims] = key.split(".") as [string, string, ...string[]];
    const result =
      kind === "rolling"
        ? data.rolling({ time: 7 }, { center: true }).reduce(op as "mean")
        : data.weighted(weights).reduce(op as "mean", dims);
    assert.deepEqual(result.dataVars, Object.keys(wants).sort(), key);
    for (const [name, want] of Object.entries(wants)) await agree(result.get(name), want, `${key} ${name}`);
  }
  // Dataset reductions xarray has: variables without the dimension are kept as they are.
  const q = data.quantile([0.25, 0.75], "time");
  assert.deepEqual([q.get("temp").dims, q.get("first").dims, q.get("series").dims], [["quantile", "lat", "lon"], ["lat", "lon"], ["quantile"]]);
  assert.deepEqual(Array.from((await q.get("series").values()) as Float64Array), Array.from((await data.get("series").quantile([0.25, 0.75], "time").values()) as Float64Array));
  assert.deepEqual([data.median("time").get("temp").dims, data.var("time").get("first").dims], [["lat", "lon"], ["lat", "lon"]]);
  // groupby quantile on a Dataset: xarray puts a list's `quantile` right after the group; `first` has no time.
  const gq = data.groupby("time.season").quantile([0.25, 0.75]);
  assert.deepEqual([gq.get("temp").dims, gq.get("first").dims, gq.get("series").dims], [["season", "quantile", "lat", "lon"], ["season", "lat", "lon"], ["season", "quantile"]]);
  const own = temp.isel({ lat: 1, lon: 1 }).groupby("time.season").quantile([0.25, 0.75]);
  assert.deepEqual(Array.from((await gq.get("series").values()) as Float64Array), Array.from((await own.values()) as Float64Array));
  assert.deepEqual(data.groupby("time.season").quantile(0.5).get("temp").dims, ["season", "lat", "lon"]);
  assert.throws(() => data.rolling({ depth: 3 }), /rolling: no dimension "depth" \(dimensions: /);
  assert.throws(() => data.weighted(weights).mean("depth"), /weighted: no dimension "depth"/);
});

test("dt.season is a label array: codes named by CF flags, compared by label, strings as a coordinate", async () => {
  for (const name of ["standard", "noleap", "360_day", "hourly"] as const) {
    const da = (await LazyDataset.open(INPUTS[name])).get("temp");
    const season = da.coord("time").dt.season;
    assert.deepEqual(season.attrs, { flag_values: [0, 1, 2, 3], flag_meanings: "DJF MAM JJA SON" });
    const labels = "DJF MAM JJA SON".split(" ");
    assert.deepEqual(Array.from((await season.values()) as BigInt64Array, (c) => labels[Number(c)]), expected[name].dt.season!, `${name} codes`);
    const withSeason = da.assignCoords({ season });
    assert.equal(withSeason.coords.season!.dtype, "string");
    assert.deepEqual(withSeason.coords.season!.values, expected[name].dt.season!, `${name} coordinate`);
    const winter = Array.from((await season.eq("DJF").values()) as Uint8Array);
    const months = Array.from((await da.coord("time").dt.month.isin([12, 1, 2]).values()) as Uint8Array);
    assert.deepEqual(winter, months, `${name} eq("DJF")`);
    assert.deepEqual(Array.from((await season.isin(["JJA", "SON"]).values()) as Uint8Array), expected[name].dt.season!.map((s) => (s === "JJA" || s === "SON" ? 1 : 0)));
  }
  const da = (await LazyDataset.open(INPUTS["360_day"])).get("temp");
  const winterMean = await da.where(da.coord("time").dt.season.eq("DJF")).mean("time").values();
  const direct = await da.groupby("time.season").mean().isel({ season: 0 }).values();
  assert.deepEqual(Array.from(winterMean as Float32Array).slice(0, 8).map((x) => x.toFixed(3)), Array.from(direct as Float32Array).slice(0, 8).map((x) => x.toFixed(3)));
  assert.throws(() => da.coord("time").dt.season.eq("WINTER"), /eq: no label "WINTER" \(labels: DJF, MAM, JJA, SON\)/);
  assert.throws(() => da.coord("time").dt.month.eq("DJF"), /"month" holds numbers, not labels/);
  assert.throws(() => da.assignCoords({ mean: da.mean("time") }), /"mean" is a lazy result; use `await array.compute\(\)` first/);
});

test("float16 data (what compact archives store) reads exactly and casts as numpy does, here and on workers", async () => {
  const want = (gaps as unknown as { float16: Record<string, Expected> & { dtype: string } }).float16;
  const h = (await LazyDataset.open(join(FIXTURES, "ops", "v2-float16.zarr"))).get("h");
  assert.equal(h.dtype, want.dtype);
  await agree(h.astype("float64"), want.float64!, "astype float64");
  await agree(h.fillna(0).clip(-100, 100).astype("int16"), want.int16!, "astype int16");
  await agree(h.fillna(0).clip(-100, 100).mul(100).astype("uint16"), want.uint16!, "astype uint16");
  await agree(h.astype("float64").mean("time"), want.mean!, "mean of the widened values");
  const onWorkers = await h.astype("float64").values({ workers: 1 });
  assert.deepEqual(Array.from(onWorkers as Float64Array), Array.from((await h.astype("float64").values()) as Float64Array));
  // Written back as float16 (never silently widened), in Zarr v3 and v2, and read back bit for bit.
  const dir = tempDir();
  try {
    const stored = Array.from((await h.values()) as Float32Array);
    for (const zarrFormat of [3, 2] as const) {
      const out = join(dir.path, `h${zarrFormat}.zarr`);
      await writeDataset(out, "", new LazyDataset({ arrays: { h, half: h.mul(0.5) } }), { zarrFormat });
      const back = await openDataset(out);
      assert.equal(back.variables.h!.dtype, "float16");
      assert.deepEqual(Array.from((await readVariable(back.variables.h!)) as Float32Array), stored, `v${zarrFormat}`);
      assert.deepEqual(Array.from((await readVariable(back.variables.half!)) as Float32Array), stored.map((x) => x / 2), `v${zarrFormat} half`);
    }
  } finally {
    dir.remove();
  }
});
