import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { createSyntheticOceanTemp, openDataset, readVariable, seasonalMean, syntheticOceanTemp } from "../../src/data/index.ts";
import { tempDir } from "./helpers.ts";

const dir = tempDir();
after(() => dir.remove());

test("the default demo dataset: two years daily on a 1-degree grid, CF time, marked synthetic", () => {
  const ds = syntheticOceanTemp();
  assert.deepEqual(ds.dims, { time: 730, lat: 180, lon: 360 });
  assert.deepEqual(ds.variables.temp!.dims, ["time", "lat", "lon"]);
  assert.equal(ds.variables.temp!.dtype, "float32");
  assert.equal(ds.variables.time!.attrs.units, "days since 2021-01-01");
  assert.match(String(ds.attrs.title), /synthetic/i);
  assert.match(String(ds.attrs.summary), /synthetic demo data/i);
  assert.deepEqual(ds.dataVars, ["temp"]);
});

test("written to a store: readable, NaN over land, deterministic bytes, seasonal mean works", async () => {
  const options = { days: 400, resolution: 5, chunks: [30, 36, 72] as const };
  const [a, b] = [join(dir.path, "a.zarr"), join(dir.path, "b.zarr")];
  await createSyntheticOceanTemp(a, undefined, options);
  await createSyntheticOceanTemp(b, undefined, options);
  const chunkDir = "xarray/ocean-temp/temp/c/0/0";
  for (const file of readdirSync(join(a, chunkDir))) {
    assert.deepEqual(readFileSync(join(a, chunkDir, file)), readFileSync(join(b, chunkDir, file)));
  }
  const ds = await openDataset(a, { group: "xarray/ocean-temp" });
  assert.deepEqual(ds.variables.temp!.shape, [400, 36, 72]);
  const temp = (await readVariable(ds.variables.temp!)) as Float32Array;
  const nan = temp.filter(Number.isNaN).length / temp.length;
  assert.ok(nan > 0.15 && nan < 0.5, `land fraction ${nan}`);
  const ocean = temp.filter((v) => !Number.isNaN(v));
  assert.ok(ocean.every((v) => v > -5 && v < 35));
  const seasonal = await seasonalMean(ds, { workers: 0 });
  assert.deepEqual(seasonal.variables.season!.values, ["DJF", "JJA", "MAM", "SON"]);
  assert.equal(seasonal.attrs.synthetic, "true");
});
