import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { join } from "node:path";
import { createReducerPool, groupReduce, openDataset, type Grouping, type Reducer } from "../../src/data/index.ts";
import { FIXTURES, compare, reference } from "./helpers.ts";

const pool = createReducerPool(2);
after(() => pool.close());

const stores = [
  ["v2-standard.zarr", "v2-standard", "v2, blosc, consolidated, standard calendar"],
  ["v2-noleap.zarr", "v2-noleap", "v2, zlib, not consolidated, noleap, -9999 fill"],
  ["v3-standard.zarr", "v2-standard", "v3, zstd, standard calendar"],
  ["v3-noleap.zarr", "v2-noleap", "v3, zstd, noleap, base64 _FillValue"],
] as const;

for (const [store, ref, what] of stores) {
  describe(`group-by reductions agree with xarray: ${store} (${what})`, () => {
    for (const [key, expected] of Object.entries(reference[ref])) {
      const [by, op] = key.split(".") as [Grouping, Reducer];
      for (const workers of [0, 2]) {
        test(`${key}, ${workers} workers`, async () => {
          const ds = await openDataset(join(FIXTURES, store));
          const result = await groupReduce(ds, { by, op, workers, pool });
          const temp = result.variables.temp!;
          assert.deepEqual(temp.dims, expected.dims);
          assert.deepEqual(temp.shape, expected.shape);
          assert.equal(temp.dtype, expected.dtype);
          assert.deepEqual(temp.attrs, expected.attrs);
          assert.deepEqual(result.attrs, expected.dataset_attrs);
          const labels = Array.from(result.variables[by]!.values as ArrayLike<string | bigint>, (l) => (typeof l === "bigint" ? Number(l) : l));
          assert.deepEqual(labels, expected.labels);
          // Sums of ~100 float32 values near 20: xarray accumulates in float32, floe in float64, so compare relatively.
          const { maxDiff, nanMismatches } = compare(temp.values as Float32Array, expected.temp, op === "sum");
          assert.equal(nanMismatches, 0, "same NaN pattern as xarray");
          assert.ok(maxDiff <= (op === "sum" ? 1e-3 : 1e-4), `max difference ${maxDiff}`);
          // xarray 2023.01 broadcasts a variable without the time dimension over the groups.
          assert.equal(compare(result.variables.depth!.values as Float32Array, expected.depth).maxDiff, 0);
          assert.deepEqual(result.coords, ["lat", "lon", by]);
        });
      }
    }
  });
}

test("seasons are pooled across years with no year shift, sorted DJF, JJA, MAM, SON", async () => {
  const ds = await openDataset(join(FIXTURES, "v2-standard.zarr"));
  const counts = await groupReduce(ds, { by: "season", op: "count", variables: ["temp"], workers: 0 });
  // 1999-11-20 + 400 days: Dec 1999 + Jan/Feb 2000 + Dec 2000 are one DJF group (12 + 31 + 31 + 29 days + 23 Dec 2000).
  assert.deepEqual(counts.variables.season!.values, ["DJF", "JJA", "MAM", "SON"]);
  const perSeason = Array.from({ length: 4 }, (_, g) => Number((counts.variables.temp!.values as BigInt64Array)[g * 48 + 1]));
  assert.deepEqual(perSeason, [31 + 31 + 29 + 23, 92, 92, 11 + 91]);
});

test("the time axis may be any dimension, and float64 stays float64", async () => {
  const ds = await openDataset(join(FIXTURES, "v2-noleap.zarr"));
  const one = await groupReduce(ds, { by: "year", op: "max", variables: ["temp"], workers: 2, pool });
  assert.equal(one.variables.temp!.dtype, "float32");
  assert.deepEqual(Array.from(one.variables.year!.values as BigInt64Array, Number), [2001, 2002]);
});
