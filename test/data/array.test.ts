/** The labelled-array API on small arrays in memory and on the fixture stores: shapes, plans, values, errors. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { join } from "node:path";
import { AlignmentError, DataArray, InvalidOperationError, LazyDataset, UnsupportedError, printPlan, slice } from "floe/data";
import { FIXTURES } from "./helpers.ts";

const grid = () =>
  DataArray.fromValues(Float64Array.from({ length: 12 }, (_, i) => (i === 5 ? NaN : i)), {
    dims: ["time", "lat"],
    shape: [3, 4],
    coords: { time: [0, 1, 2], lat: [-30, -10, 10, 30] },
    name: "t",
  });

/**
 * A generated float64 (time, lat, lon) variable whose chunks hold `value(t, y, x)` at their global index (edge
 * chunks padded to full size, as a store returns them), counting every chunk read.
 */
function countedVariable(shape: number[], chunks: [number, number, number], value: (t: number, y: number, x: number) => number) {
  const counter = { reads: 0 };
  const [ct, cy, cx] = chunks;
  const read = async (coords: readonly number[]) => {
    counter.reads++;
    const at = (i: number): number => value(coords[0]! * ct + Math.floor(i / (cy * cx)), coords[1]! * cy + (Math.floor(i / cx) % cy), coords[2]! * cx + (i % cx));
    return { data: Float64Array.from({ length: ct * cy * cx }, (_, i) => at(i)), shape: chunks, stride: [cy * cx, cx, 1] } as never;
  };
  const variable = { name: "t", dims: ["time", "lat", "lon"], shape, dtype: "float64", attrs: {}, encoding: { missing: [] }, generated: { chunks, read } };
  return { variable, counter };
}

test("arithmetic broadcasts by dimension name and reductions skip NaN", async () => {
  const t = grid();
  const w = DataArray.fromValues([1, 2, 3, 4], { dims: ["lat"], coords: { lat: [-30, -10, 10, 30] } });
  const r = t.mul(w).add(1);
  assert.deepEqual(r.dims, ["time", "lat"]);
  assert.deepEqual([...(await r.values())], [1, 3, 7, 13, 5, NaN, 19, 29, 9, 19, 31, 45]);
  assert.deepEqual([...(await t.mean("time").values())], [4, 5, 6, 7]);
  assert.deepEqual([...(await t.sum().values())], [61]);
  assert.deepEqual([...(await t.count("lat").values())], [4n, 3n, 4n]);
  assert.equal((await t.std("time", { ddof: 1 }).values())[1], Math.SQRT2 * 4);
  assert.deepEqual([...(await t.median("lat").values())], [1.5, 6, 9.5]);
  // The chain is data: printable and nothing read yet.
  assert.match(printPlan(r.plan), /^map \(time, lat\) \[3, 4\] float64 \{"fn":"add","args":\[1\]\}/);
});

test("sel takes inclusive label slices, descending coordinates, nearest; a missing label names the nearest", async () => {
  const t = grid();
  assert.deepEqual([...(await t.sel({ lat: slice(-10, 10) }).isel({ time: 0 }).values())], [1, 2]);
  const down = t.sortby("lat", false);
  assert.deepEqual([...(down.coords.lat!.values as Float64Array)], [30, 10, -10, -30]);
  assert.deepEqual([...(await down.sel({ lat: slice(10, -10) }).isel({ time: 0 }).values())], [2, 1]);
  assert.deepEqual([...(await t.sel({ lat: 12 }, { method: "nearest" }).values())], [2, 6, 10]);
  assert.throws(() => t.sel({ lat: 12 }), (e: Error) => e instanceof InvalidOperationError && /no label 12 \(nearest: -10, 10, 30\)/.test(e.message));
});

test("mismatched dimensions are an error naming both sides; unsupported dtypes are refused", () => {
  const t = grid();
  const other = DataArray.fromValues([1, 2, 3], { dims: ["lat"] });
  assert.throws(() => t.add(other), (e: Error) => e instanceof AlignmentError && /\(time: 3, lat: 4\) and \(lat: 3\)/.test(e.message));
  assert.throws(() => t.astype("complex64"), (e: Error) => e instanceof UnsupportedError && /complex64/.test(e.message));
});

test("a stored dataset reads lazily; a reduction inside an anomaly is computed once", async () => {
  const ds = await LazyDataset.open(join(FIXTURES, "v3-standard.zarr"));
  const temp = ds.get("temp");
  assert.deepEqual(temp.dims, ["time", "lat", "lon"]);
  const anomaly = temp.sub(temp.mean("time"));
  const mean = await anomaly.mean("time").values();
  for (const x of mean as Float32Array) assert.ok(Number.isNaN(x) || Math.abs(x) < 1e-4, `anomaly mean ${x}`);
});

test("datasets rename, assign, drop and reduce their variables; bad names list what there is", async () => {
  const ds = await LazyDataset.open(join(FIXTURES, "v2-standard.zarr"));
  const renamed = ds.rename({ temp: "sst", lat: "latitude" });
  assert.deepEqual(renamed.dataVars, ["depth", "sst"]);
  assert.deepEqual([...renamed.get("sst").dims], ["time", "latitude", "lon"]);
  assert.ok("latitude" in renamed.coordinates && !("lat" in renamed.coordinates));
  const withDouble = ds.assign({ double: ds.get("temp").mul(2) }).dropVars("depth");
  assert.deepEqual(withDouble.dataVars, ["double", "temp"]);
  const means = ds.mean("time");
  assert.deepEqual([...means.get("temp").dims], ["lat", "lon"]);
  assert.deepEqual([...means.get("depth").dims], ["lat", "lon"]);
  assert.throws(() => ds.rename({ tmp: "x" }), (e: Error) => e instanceof InvalidOperationError && /no variable, dimension or coordinate "tmp" \(have: .*temp/.test(e.message));
  assert.throws(() => ds.get("tmp"), /no such variable \(variables: .*temp/);
  assert.throws(() => ds.get("temp").mean("depth"), (e: Error) => e instanceof InvalidOperationError && /dimension "depth" not found \(dimensions: time, lat, lon\)/.test(e.message));
  assert.throws(() => ds.get("temp").isel({ time: 400 }), /position 400 is out of range \(length 400\)/);
});

test("coordinates that disagree join as xarray does: inner for arithmetic, outer for combineFirst; no overlap is empty", async () => {
  const a = DataArray.fromValues([1, 2, 3], { dims: ["x"], coords: { x: [0, 1, 2] } });
  const b = DataArray.fromValues([10, 20, 30], { dims: ["x"], coords: { x: [1, 2, 3] } });
  const sum = a.add(b);
  assert.deepEqual([...(sum.coords.x!.values as Float64Array)], [1, 2]);
  assert.deepEqual([...(await sum.values())], [12, 23]);
  const both = a.combineFirst(b);
  assert.deepEqual([...(both.coords.x!.values as Float64Array)], [0, 1, 2, 3]);
  assert.deepEqual([...(await both.values())], [1, 2, 3, 30]);
  const far = DataArray.fromValues([5], { dims: ["x"], coords: { x: [9] } });
  assert.deepEqual([...a.add(far).shape], [0]);
});

test("an anomaly's global mean reads every chunk twice (climatology once, anomaly once), never the whole axis per block", async () => {
  const [nt, ny, nx] = [60, 4, 6];
  const { variable, counter } = countedVariable([nt, ny, nx], [7, 2, 3], (t, y, x) => t * 100 + y * 10 + x);
  const t = DataArray.fromVariable(variable);
  const series = await t.sub(t.mean("time")).mean(["lat", "lon"]).values();
  assert.equal(series.length, nt);
  const chunkCount = Math.ceil(nt / 7) * 2 * 2;
  assert.equal(counter.reads, 2 * chunkCount);
});

test("a mean over an axis of one chunk streams with its readers: (t - t.mean(\"lon\")) * t reads each chunk once", async () => {
  const [nt, ny, nx] = [30, 4, 6];
  const value = (t: number, y: number, x: number) => t * 100 + y * 10 + x * x;
  const { variable, counter } = countedVariable([nt, ny, nx], [7, 2, 6], value);
  const t = DataArray.fromVariable(variable);
  const got = await t.sub(t.mean("lon")).mul(t).values();
  assert.equal(counter.reads, Math.ceil(nt / 7) * 2);
  const mean = (tt: number, y: number) => Array.from({ length: nx }, (_, x) => value(tt, y, x)).reduce((a, b) => a + b, 0) / nx;
  for (let tt = 0; tt < nt; tt++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) assert.equal(got[(tt * ny + y) * nx + x], (value(tt, y, x) - mean(tt, y)) * value(tt, y, x));
});

test("eddy fluxes ((u - u.mean(\"lon\")) * (v - v.mean(\"lon\"))).mean(\"lon\") computed row by row equal the plain sums, NaN skipped", async () => {
  // Rows of 150 x 20 values (more than a fused row's 2,048), several per block, a NaN here and there.
  const [nt, ny, nx] = [9, 20, 150];
  const fu = (t: number, y: number, x: number) => ((t * 7 + y * 3 + x) % 11 === 0 ? NaN : Math.sin(t + y * 0.3 + x * 0.01) * 10);
  const fv = (t: number, y: number, x: number) => Math.cos(t * 0.5 - y + x * 0.02) * 3;
  const u = DataArray.fromVariable(countedVariable([nt, ny, nx], [4, ny, nx], fu).variable as never);
  const v = DataArray.fromVariable(countedVariable([nt, ny, nx], [4, ny, nx], fv).variable as never);
  const got = await u.sub(u.mean("lon")).mul(v.sub(v.mean("lon"))).mean("lon").values();
  const mean = (xs: number[]) => {
    let sum = 0;
    let n = 0;
    for (const x of xs) if (x === x) (sum += x), n++;
    return n > 0 ? sum / n : NaN;
  };
  for (let t = 0; t < nt; t++) {
    for (let y = 0; y < ny; y++) {
      const us = Array.from({ length: nx }, (_, x) => fu(t, y, x));
      const vs = Array.from({ length: nx }, (_, x) => fv(t, y, x));
      const [ub, vb] = [mean(us), mean(vs)];
      assert.equal(got[t * ny + y], mean(us.map((a, x) => (a - ub) * (vs[x]! - vb))), `t ${t} lat ${y}`);
    }
  }
});

test("a rolling mean along an inner axis (rows read where they lie, each chunk's piece pinned) equals the plain windows", async () => {
  const [nt, ny, nx] = [6, 23, 5];
  const value = (t: number, y: number, x: number) => ((t + y + x) % 7 === 0 ? NaN : t * 100 + y * 3 + x * 0.5);
  const da = DataArray.fromVariable(countedVariable([nt, ny, nx], [4, 5, 5], value).variable as never);
  const got = (await da.rolling({ lat: 4 }, { center: true, minPeriods: 2 }).mean().values()) as Float64Array;
  for (let t = 0; t < nt; t++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        let sum = 0;
        let n = 0;
        for (let k = Math.max(0, y - 2); k < Math.min(ny, y + 2); k++) {
          const z = value(t, k, x);
          if (z === z) (sum += z), n++;
        }
        const want = n >= 2 ? sum / n : NaN;
        assert.ok(Object.is(got[(t * ny + y) * nx + x], want) || Math.abs(got[(t * ny + y) * nx + x]! - want) < 1e-9, `t ${t} lat ${y} lon ${x}: ${got[(t * ny + y) * nx + x]} vs ${want}`);
      }
    }
  }
});

test("a rolling mean taken row by row (written into the result, or folded by a mean over it) equals the plain windows", async () => {
  const [nt, ny, nx] = [37, 8, 10];
  const value = (t: number, y: number, x: number) => ((t * 3 + y + x) % 13 === 0 ? NaN : Math.sin(t * 0.7 + y) * 50 + x);
  const da = DataArray.fromVariable(countedVariable([nt, ny, nx], [6, ny, nx], value).variable as never);
  const want = (t: number, y: number, x: number): number => {
    let sum = 0;
    let n = 0;
    for (let k = Math.max(0, t - 3); k < Math.min(nt, t + 4); k++) {
      const z = value(k, y, x);
      if (z === z) (sum += z), n++;
    }
    return n >= 5 ? sum / n : NaN;
  };
  const rolled = da.rolling({ time: 7 }, { center: true, minPeriods: 5 }).mean();
  const got = (await rolled.values()) as Float64Array;
  const means = (await rolled.mean("lon").values()) as Float64Array;
  for (let t = 0; t < nt; t++) {
    for (let y = 0; y < ny; y++) {
      const row = Array.from({ length: nx }, (_, x) => want(t, y, x));
      row.forEach((w, x) => assert.ok(Object.is(got[(t * ny + y) * nx + x], w) || Math.abs(got[(t * ny + y) * nx + x]! - w) < 1e-9, `t ${t} lat ${y} lon ${x}`));
      const valid = row.filter((w) => w === w);
      const m = valid.length ? valid.reduce((a, b) => a + b, 0) / valid.length : NaN;
      assert.ok(Object.is(means[t * ny + y], m) || Math.abs(means[t * ny + y]! - m) < 1e-9, `mean t ${t} lat ${y}`);
    }
  }
});

test("a scalar chain of arithmetic written straight into the result (float64 and float32)", async () => {
  const f64 = DataArray.fromValues(Float64Array.of(1, 2, 3), { dims: ["x"] });
  assert.deepEqual([...(await f64.sum().add(1).mul(2).values())], [14]);
  const f32 = DataArray.fromValues(Float32Array.of(1, 2, 3), { dims: ["x"] });
  assert.deepEqual([...(await f32.sum().add(1).mul(2).values())], [14]);
});

test("a time window cut across chunks reads each chunk once, though neighbouring blocks share chunks", async () => {
  const [nt, ny, nx] = [40, 4, 6];
  const value = (t: number, y: number, x: number) => t * 100 + y * 10 + x;
  const { variable, counter } = countedVariable([nt, ny, nx], [7, 4, 6], value);
  const window = DataArray.fromVariable(variable).isel({ time: slice(3, 25), lat: slice(1, 3), lon: slice(2, 5) });
  const got = await window.mean(["lat", "lon"]).values();
  assert.equal(counter.reads, 4, "chunks 0 to 3, once each");
  assert.deepEqual([...got], Array.from({ length: 22 }, (_, i) => value(3 + i, 1.5, 3)));
});

test("a string variable does not stop a dataset from opening; computing with it is a clear error", async () => {
  const { tempDir } = await import("./helpers.ts");
  const { writeDataset } = await import("floe/data");
  const dir = tempDir();
  try {
    const label = { name: "label", dims: ["x"], shape: [2], dtype: "string", attrs: {}, encoding: { missing: [] }, values: ["a", "b"] };
    const value = { name: "value", dims: ["x"], shape: [2], dtype: "float64", attrs: {}, encoding: { missing: [] }, values: Float64Array.of(1, 2) };
    await writeDataset(dir.path, "g", { group: "g", attrs: {}, dims: { x: 2 }, variables: { label, value }, coords: [], dataVars: ["label", "value"] });
    const ds = await LazyDataset.open(dir.path, { group: "g" });
    assert.deepEqual([...(await ds.get("value").values())], [1, 2]);
    assert.throws(() => ds.get("label"), (e: Error) => e instanceof UnsupportedError && /unsupported dtype "string"/.test(e.message));
  } finally {
    dir.remove();
  }
});

test("a block pool hands a given-back block's memory to the next taker that fits, keeping a few", async () => {
  const { blockPool } = await import("../../src/data/array/block-pool.ts");
  const pool = blockPool(2);
  const a = pool.take(1 << 16);
  const b = pool.take(1 << 16);
  assert.notEqual(a.buffer, b.buffer);
  pool.give(a);
  pool.give(a); // twice: still one idle entry
  const again = pool.take(1 << 16);
  assert.equal(again.buffer, a.buffer);
  assert.equal(again.length, 1 << 16);
  assert.notEqual(pool.take(1 << 16).buffer, a.buffer, "taken blocks are not handed out again");
  pool.give(again);
  // A slightly smaller block (a window's halo rows fewer) takes the same memory, as a view of its length.
  const view = pool.take((1 << 16) - 1000);
  assert.equal(view.buffer, a.buffer);
  assert.equal(view.length, (1 << 16) - 1000);
  pool.give(view);
  assert.notEqual(pool.take(1 << 14).buffer, a.buffer, "a much smaller block does not take a large buffer");
  assert.equal(pool.take(1 << 16).buffer, a.buffer, "a view given back returns its whole buffer");
  pool.give(a);
  pool.give(b);
  pool.give(pool.take(1 << 17));
  assert.notEqual(pool.take(1 << 16).buffer, a.buffer, "the oldest idle block was dropped for the newest");
  const foreign = new Float64Array(1 << 18).subarray(0, 1 << 16);
  pool.give(foreign);
  assert.notEqual(pool.take(1 << 16).buffer, foreign.buffer, "a view of memory the pool did not hand out is not taken in");
  const small = pool.take(8);
  pool.give(small);
  assert.notEqual(pool.take(8), small, "small blocks are left to the allocator");
  // A block handed to three readers at once is reused only after the third gives it back.
  const shared = pool.take(1 << 16);
  pool.hold(shared, 2);
  pool.give(shared);
  pool.give(shared);
  assert.notEqual(pool.take(1 << 16).buffer, shared.buffer, "two of three readers gave it back: still in use");
  pool.give(shared);
  assert.equal(pool.take(1 << 16).buffer, shared.buffer, "the last reader's give returns it");
});
