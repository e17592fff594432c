/**
 * The labelled-array engine against xarray 2023.01: every case of test/fixtures/data/ops/generate_engine.py,
 * written the floe way, on standard/noleap/360_day calendars, Zarr v2 and v3, a partial last chunk.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { DataArray, LazyDataset, concat, merge, slice } from "floe/data";
import { FIXTURES } from "./helpers.ts";

interface Expected {
  dims: string[];
  shape: number[];
  dtype: string;
  coords: Record<string, { dims: string[]; values: number[] }>;
  step: number;
  values: (number | null)[];
  nans: number;
  sum: number;
}
type Case = Expected | { variables: Record<string, Expected> };
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, "ops", "expected-engine.json"), "utf8")) as Record<string, Record<string, Case>>;

type Result = DataArray | LazyDataset;
const CASES: Record<string, (t: DataArray) => Result> = {};
{
  const d2 = (t: DataArray) => t.isel({ time: 0 }).dropVars("time");
  const c = CASES;
  c.isel_at = (t) => t.isel({ time: 3 });
  c.isel_slices = (t) => t.isel({ time: slice(5, 50, 3), lon: [0, 2, 5] });
  c.isel_negative = (t) => t.isel({ time: slice(-10), lat: -1 });
  c.sel_slice = (t) => t.sel({ lat: slice(-30, 45) });
  c.sel_descending = (t) => t.sortby("lat", false).sel({ lat: slice(45, -30) });
  c.sel_nearest = (t) => t.sel({ lat: [-40, 10], lon: 100 }, { method: "nearest" });
  c.sel_list = (t) => t.sel({ lon: [45, 0, 270] });
  c.transpose = (t) => t.transpose("lon", "time", "lat");
  c.rename = (t) => t.rename({ lat: "y" });
  c.expand_dims = (t) => d2(t).expandDims("member");
  c.anomaly = (t) => t.sub(t.mean("time")).mul(2).add(1);
  c.broadcast = (t) => t.add(d2(t));
  c.broadcast_order = (t) => d2(t).sub(t);
  c.rsub = (t) => t.rsub(10);
  c.pow = (t) => t.pow(2);
  c.div_int = (t) => t.div(4);
  c.gt = (t) => t.gt(15);
  c.where = (t) => t.where(t.gt(15));
  c.where_other = (t) => t.where(t.gt(15), 0);
  c.where_array = (t) => t.where(t.gt(15), d2(t));
  c.isnull = (t) => t.isnull();
  c.notnull = (t) => t.notnull();
  c.fillna = (t) => t.fillna(0);
  c.fillna_array = (t) => t.fillna(t.mean("time"));
  c.clip = (t) => t.clip(10, 20);
  c.isin = (t) => t.round().isin([15, 16]);
  c.abs = (t) => t.sub(15).abs();
  for (const fn of ["sqrt", "sin", "cos", "log", "log10", "deg2rad", "rad2deg", "floor", "ceil"] as const) c[fn] = (t) => t[fn]();
  c.exp = (t) => t.div(10).exp();
  c.round = (t) => t.round(1);
  for (const op of ["mean", "sum", "min", "max", "std", "var", "count", "median"] as const) {
    c[`${op}_time`] = (t) => t[op]("time");
    c[`${op}_space`] = (t) => t[op](["lat", "lon"]);
  }
  c.mean_all = (t) => t.mean();
  c.std_ddof1 = (t) => t.std("time", { ddof: 1 });
  c.sum_noskip = (t) => t.sum("time", { skipna: false });
  c.quantile = (t) => t.quantile(0.25, "time");
  c.quantiles = (t) => t.quantile([0.1, 0.9], ["lat", "lon"]);
  c.astype_float64 = (t) => t.astype("float64");
  c.astype_int16 = (t) => t.fillna(0).astype("int16");
  c.astype_uint16 = (t) => t.fillna(0).mul(100).astype("uint16");
  c.astype_float16 = (t) => t.astype("float16");
  c.concat = (t) => concat([t.isel({ time: slice(0, 10) }), t.isel({ time: slice(20, 25) })], "time");
  c.concat_new = (t) => concat([d2(t), d2(t).mul(2)], "member");
  c.concat_outer = (t) => concat([t.isel({ time: slice(0, 5), lat: slice(0, 3) }), t.isel({ time: slice(5, 10), lat: slice(2, 6) })], "time");
  c.merge = (t) => merge([t.isel({ lat: slice(0, 3) }).rename("a"), d2(t).isel({ lat: slice(2, 6) }).rename("b")]);
  c.combine_first = (t) => t.isel({ lat: slice(0, 4) }).combineFirst(t.isel({ lat: slice(2, 6) }).mul(0));
  c.inner_join = (t) => t.isel({ lat: slice(0, 4) }).add(t.isel({ lat: slice(2, 6) }));
  c.chain = (t) => t.sub(t.mean("time")).mul(DataArray.fromValues(t.coords.lat!.values as Float64Array, { dims: ["lat"], coords: { lat: t.coords.lat! } }).deg2rad().cos()).mean(["lat", "lon"]);
  c.assign_sort = (t) => t.assignCoords({ lon: Float64Array.from(t.coords.lon!.values as Float64Array, (x) => ((((x + 180) % 360) + 360) % 360) - 180) }).sortby("lon");
}

const close = (a: number, b: number) => Math.abs(a - b) <= Math.max(1e-4, 1e-5 * Math.abs(b));

async function check(where: string, got: DataArray, want: Expected): Promise<void> {
  assert.deepEqual([...got.dims], want.dims, `${where}: dims`);
  assert.deepEqual([...got.shape], want.shape, `${where}: shape`);
  assert.equal(got.dtype, want.dtype, `${where}: dtype`);
  for (const [name, c] of Object.entries(want.coords)) {
    const mine = got.coords[name];
    assert.ok(mine, `${where}: coordinate ${name} missing (have ${Object.keys(got.coords).join(", ")})`);
    assert.deepEqual([...mine.dims], c.dims, `${where}: coordinate ${name} dims`);
    const values = Array.from(mine.values as ArrayLike<number>, Number);
    assert.equal(values.length, c.values.length, `${where}: coordinate ${name} length`);
    values.forEach((v, i) => assert.ok(close(v, c.values[i]!), `${where}: coordinate ${name}[${i}] ${v} != ${c.values[i]}`));
  }
  const values = Array.from((await got.values()) as ArrayLike<number | bigint>, Number);
  let nans = 0;
  let sum = 0;
  for (const v of values) Number.isNaN(v) ? nans++ : (sum += v);
  assert.equal(nans, want.nans, `${where}: NaN count`);
  want.values.forEach((w, k) => {
    const v = values[k * want.step]!;
    if (w === null) assert.ok(Number.isNaN(v), `${where}: [${k * want.step}] ${v}, expected NaN`);
    else assert.ok(close(v, w), `${where}: [${k * want.step}] ${v}, expected ${w}`);
  });
  assert.ok(Math.abs(sum - want.sum) <= Math.max(1e-3, 1e-5 * Math.abs(want.sum)), `${where}: sum ${sum}, expected ${want.sum}`);
}

const STORES: [string, string][] = [
  ["v2-standard.zarr", "standard"],
  ["v3-standard.zarr", "standard"],
  ["v2-noleap.zarr", "noleap"],
  ["v3-noleap.zarr", "noleap"],
  ["ops/v2-360day.zarr", "360_day"],
];

for (const [store, calendar] of STORES) {
  test(`${store}: every operation agrees with xarray`, async () => {
    const ds = await LazyDataset.open(join(FIXTURES, store));
    const temp = ds.get("temp");
    const expected = EXPECTED[calendar]!;
    const failures: string[] = [];
    for (const [name, make] of Object.entries(CASES)) {
      try {
        const want = expected[name];
        assert.ok(want, `no expected result for ${name}`);
        const got = make(temp);
        if ("variables" in want) {
          assert.ok(got instanceof LazyDataset, `${name}: a dataset`);
          for (const [v, w] of Object.entries(want.variables)) await check(`${store} ${name}.${v}`, got.get(v), w);
        } else await check(`${store} ${name}`, got as DataArray, want);
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message.split("\n")[0]}`);
      }
    }
    assert.deepEqual(failures, [], `${failures.length} of ${Object.keys(CASES).length} cases differ from xarray`);
  });
}
